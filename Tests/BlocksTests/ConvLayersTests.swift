// Conv entries of `model.layers`: spellings, [1, 28, 28] from image sources, and located errors before anything runs.
import LabbookCore
import Testing
import Vocabulary
@testable import Blocks

@Suite struct ConvLayersTests {
    let fashion = "id: c\ndata: {source: fashion-mnist, train: 100, validation: 10, test: 10}\nmodel:\n  layers:\n"
    let flat = "id: c\ndata: {source: gaussian, samples: 100, features: 4}\nmodel:\n  output: softmax\n  layers:\n"

    @Test func everySpelling() throws {
        let (spec, d) = read(fashion + """
            - conv2d: {channels: 6, kernel: 5, stride: 1, padding: 2}
            - relu
            - max-pool2d: {kernel: 2}
            - {conv2d: {channels: 16, kernel: 5, init: he}}
            - avg-pool2d: 2
            - {max-pool2d: {kernel: 3, stride: 1, drop: true}}
            - global-avg-pool
            - dense: 10
        """)
        #expect(d.isEmpty, "\(d)")
        let model = try #require(spec?.job?.model)
        #expect(model.input == [1, 28, 28])
        #expect(model.layers == [.conv2d(channels: 6, kernel: 5, stride: 1, padding: 2, initScheme: nil), .activation(.relu),
                                 .maxPool2d(kernel: 2, stride: 2, drop: false), .conv2d(channels: 16, kernel: 5, stride: 1, padding: 0, initScheme: .he),
                                 .avgPool2d(kernel: 2, stride: 2, drop: false), .maxPool2d(kernel: 3, stride: 1, drop: true),
                                 .globalAvgPool, .dense(units: 10, initScheme: nil)])
        // An MLP in the layer form keeps the flat input (and its cache key): no image layer, no shape.
        let (mlp, _) = read(fashion + "    - dense: 32\n    - relu\n    - dense: 10\n")
        #expect(mlp?.job?.model.input == nil)
    }

    @Test func badValuesPointAtTheirLines() {
        #expect(messages(fashion + """
            - conv2d: {channels: 6, kernel: 0}
            - conv2d: {channels: 6, kernel: 3, stride: 0, padding: -1}
            - conv2d: {kernel: 3}
            - max-pool2d
            - flatten: 2
            - dense: 10
        """) == [
            "chapters/01-intro.md:15:37: error: 'model.layers[0].conv2d.kernel' must be a positive integer, got '0'",
            "chapters/01-intro.md:16:48: error: 'model.layers[1].conv2d.stride' must be a positive integer, got '0'",
            "chapters/01-intro.md:16:60: error: 'model.layers[1].conv2d.padding' must be a non-negative integer, got '-1'",
            "chapters/01-intro.md:17:15: error: 'model.layers[2].conv2d' needs 'channels'; e.g. {channels: 6, kernel: 5}",
            "chapters/01-intro.md:18:7: error: 'model.layers[3].max-pool2d' needs its kernel; e.g. 'max-pool2d: {kernel: 2}' (stride defaults to the kernel)",
            "chapters/01-intro.md:19:16: error: 'model.layers[4].flatten' takes no options, got '2'; write '- flatten'",
        ])
    }

    @Test func shapesAreCheckedBeforeRunning() {
        let tooBig = messages(fashion + "    - conv2d: {channels: 4, kernel: 5}\n    - max-pool2d: {kernel: 8}\n    - conv2d: {channels: 4, kernel: 7}\n    - flatten\n    - dense: 10\n")
        #expect(tooBig.count == 1)
        #expect(tooBig.first?.hasPrefix("chapters/01-intro.md:17:7: error: conv2d: kernel 7 is larger than the 3×3 input of layer 2; shapes: input [1, 28, 28] → 0 conv2d [4, 24, 24] → 1 max-pool2d [4, 3, 3]") == true)
        let onFlat = messages(flat + "    - conv2d: {channels: 4, kernel: 3}\n    - flatten\n    - dense: 2\n")
        #expect(onFlat.first?.hasPrefix("chapters/01-intro.md:16:7: error: conv2d: needs an image input [channels, height, width], but layer 0 gets [4]") == true, "\(onFlat)")
        // The shape trail starts at the shape the data gives (a flat source has no `model.input`).
        #expect(onFlat.first?.hasSuffix("; shapes: input [4]") == true, "\(onFlat)")
        let untiled = messages(fashion + "    - max-pool2d: {kernel: 3}\n    - flatten\n    - dense: 10\n")
        #expect(untiled.first?.contains("kernel 3, stride 3 do not tile the 28×28 input of layer 0") == true)
        let idx = messages("id: c\ndata: {source: idx, path: x}\nmodel:\n  layers:\n    - conv2d: {channels: 4, kernel: 3}\n    - flatten\n    - dense: 10\n")
        #expect(idx.contains { $0.contains("an 'idx' source's is known only from its files") })
    }
}

@Suite struct ConvReportsTests {
    let lenet = "id: c\ndata: {source: fashion-mnist, train: 100, validation: 10, test: 10}\nmodel:\n  layers:\n    - conv2d: {channels: 4, kernel: 5, padding: 2}\n    - relu\n    - max-pool2d: {kernel: 2}\n    - flatten\n    - dense: 10\n"

    @Test func defaultsAndDiagnostics() throws {
        let (spec, d) = read(lenet + "show: [filters, feature-maps, {filters: {layer: 0, when: trained}}, {feature-maps: {layer: 2, images: 2}}]\n")
        #expect(d.isEmpty, "\(d)")
        let s = try #require(spec)
        #expect(s.show == [.filters(layer: 0, when: .both), .featureMaps(layer: 1, images: 4), .filters(layer: 0, when: .trained),
                              .featureMaps(layer: 2, images: 2)])
        // The job asks the engine for what the reports draw (the last of each kind).
        #expect(s.job?.diagnostics.filters == 0 && s.job?.diagnostics.featureMaps == FeatureMapsRequest(layer: 2, images: 2))
    }

    @Test func badRequestsAreLocatedErrors() {
        let mlp = "id: c\ndata: {source: fashion-mnist, train: 100, validation: 10, test: 10}\nmodel: {hidden: [8]}\nshow: [filters]\n"
        #expect(messages(mlp) == ["chapters/01-intro.md:14:8: error: report 'filters' needs a conv2d layer, but the model has none; add one to 'model.layers', e.g. '- conv2d: {channels: 6, kernel: 5, padding: 2}'"])
        #expect(messages(lenet + "show: [{filters: {layer: 1}}]\n") ==
                ["chapters/01-intro.md:20:26: error: 'filters.layer' 1 is a relu layer; filters are the kernels of a conv2d layer; conv2d layers here: 0"])
        #expect(messages(lenet + "show: [{feature-maps: {layer: 3}}]\n") ==
                ["chapters/01-intro.md:20:31: error: 'feature-maps.layer' 3 (flatten) does not give an image [channels, height, width]; layers with image output here: 0, 1, 2"])
        #expect(messages(lenet + "show: [{feature-maps: {images: 9}}]\n").first?.contains("'feature-maps.images' must be an integer from 1 to 8") == true)
        #expect(messages(lenet + "show: [{filters: {when: trained}}]\ntrain: {epochs: 0}\n").first?.contains("needs training") == true)
    }
}
