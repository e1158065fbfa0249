// How a LayerSample is written: plain number arrays by default; in the site's data files, base64 of the
// little-endian Float32 bits, which round-trips exactly and is a third of the size of decimal text.
import Foundation

extension CodingUserInfoKey {
    /// Set to `true` in an encoder's userInfo to write LayerSample's values as base64 Float32 bits.
    public static let compactSamples = CodingUserInfoKey(rawValue: "labbook.compactSamples")!
}

extension LayerSample {
    enum CodingKeys: String, CodingKey { case layer, weights, activations, gradients }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func values(_ key: CodingKeys) throws -> [Float] {
            if let text = try? c.decode(String.self, forKey: key) {
                guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not base64 of Float32 values")
                }
                return LayerSample.floats(data)
            }
            return try c.decode([Float].self, forKey: key)
        }
        self.init(layer: try c.decode(Int.self, forKey: .layer), weights: try values(.weights),
                  activations: try values(.activations), gradients: try values(.gradients))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(layer, forKey: .layer)
        if encoder.userInfo[.compactSamples] as? Bool == true {
            try c.encode(LayerSample.bytes(weights).base64EncodedString(), forKey: .weights)
            try c.encode(LayerSample.bytes(activations).base64EncodedString(), forKey: .activations)
            try c.encode(LayerSample.bytes(gradients).base64EncodedString(), forKey: .gradients)
        } else {
            try c.encode(weights, forKey: .weights)
            try c.encode(activations, forKey: .activations)
            try c.encode(gradients, forKey: .gradients)
        }
    }

    /// The values' IEEE-754 bits, little-endian, 4 bytes each.
    public static func bytes(_ v: [Float]) -> Data {
        var data = Data(count: v.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, x) in v.enumerated() { raw.storeBytes(of: x.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return data
    }

    public static func floats(_ d: Data) -> [Float] {
        d.withUnsafeBytes { raw in
            (0..<(d.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}
