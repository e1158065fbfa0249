import Testing
@testable import Engine

@Test func placeholderEngine() { #expect(Bool(true)) }
