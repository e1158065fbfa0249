import Testing
@testable import Charts

@Test func placeholderCharts() { #expect(Bool(true)) }
