import Testing
@testable import Parse

@Test func placeholderParse() { #expect(Bool(true)) }
