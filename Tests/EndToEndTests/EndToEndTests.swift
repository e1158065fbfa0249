import Testing
@testable import LabbookKit

@Test func placeholderLabbookKit() { #expect(Bool(true)) }
