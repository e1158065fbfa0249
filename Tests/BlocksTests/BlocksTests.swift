import Testing
@testable import Blocks

@Test func placeholderBlocks() { #expect(Bool(true)) }
