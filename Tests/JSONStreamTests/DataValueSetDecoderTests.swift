import JSONStream
import Testing

@Suite("DataValueSetDecoder")
struct DataValueSetDecoderTests {
    static let exportShaped = #"""
        {"dataValues":[{"dataElement":"f7n9E0hX8qk","period":"201401","orgUnit":"DiszpKrYNg8",\#
        "categoryOptionCombo":"bRowv6yZOF2","attributeOptionCombo":"bRowv6yZOF2","value":"12","storedBy":"admin",\#
        "created":"2014-03-02T21:45:05.519+0000","lastUpdated":"2014-03-02T21:45:05.519+0000","comment":null,\#
        "followup":false},{"dataElement":"f7n9E0hX8qk","period":"201402","orgUnit":"DiszpKrYNg8",\#
        "categoryOptionCombo":"bRowv6yZOF2","attributeOptionCombo":"bRowv6yZOF2","value":null,"storedBy":"admin",\#
        "created":"2014-03-02T21:45:05.519+0000","lastUpdated":"2014-03-02T21:45:05.519+0000",\#
        "comment":"only a comment","followup":true,"deleted":true}]}
        """#

    @Test("decodes a 2.40 export with explicit nulls")
    func exportShape() throws {
        let (header, values) = try DataValueSetDecoder.decode(Array(Self.exportShaped.utf8))
        #expect(header.isEmpty)
        #expect(values.count == 2)
        #expect(
            values[0]
                == DataValue(
                    dataElement: "f7n9E0hX8qk",
                    period: "201401",
                    orgUnit: "DiszpKrYNg8",
                    categoryOptionCombo: "bRowv6yZOF2",
                    attributeOptionCombo: "bRowv6yZOF2",
                    value: "12",
                    storedBy: "admin",
                    created: "2014-03-02T21:45:05.519+0000",
                    lastUpdated: "2014-03-02T21:45:05.519+0000",
                    comment: nil,
                    followup: false
                )
        )
        #expect(values[1].value == nil)
        #expect(values[1].comment == "only a comment")
        #expect(values[1].followup == true)
        #expect(values[1].deleted == true)
        #expect(values[0].deleted == nil)
    }

    @Test("every split point decodes the same values")
    func everySplit() throws {
        let bytes = Array(Self.exportShaped.utf8)
        let whole = try decodeDataValues(bytes)
        for cut in 0...bytes.count {
            let split = try decodeDataValues(bytes, cuts: [cut])
            #expect(split.values == whole.values)
        }
        #expect(try decodeDataValues(bytes, cuts: evenCuts(bytes.count, size: 1)).values == whole.values)
    }

    @Test("keys in any order, unknown keys ignored, header anywhere")
    func keyOrderAndHeader() throws {
        let document = #"""
            {"period":"202401","unknown":{"deep":[1,{"dataValues":[{"value":"x"}]}],"s":"t"},
             "dataValues":[
               {"value":"7","extra":[{"a":null}],"orgUnit":"O6uvpzGd5pu","dataElement":"de1",
                "followup":null,"note":"ignored","period":"2024W1"},
               {"comment":"c","storedBy":"u","dataElement":"de2","value":"1","value":"2","deleted":false}
             ],
             "dataSet":"pBOMPrpg1QX","completeDate":null,"orgUnit":"ou","attributeOptionCombo":"aoc",
             "idScheme":"UID","dryRun":true,"count":3}
            """#
        let (header, values) = try DataValueSetDecoder.decode(Array(document.utf8))
        #expect(
            header
                == DataValueSetHeader(
                    dataSet: "pBOMPrpg1QX",
                    completeDate: nil,
                    period: "202401",
                    orgUnit: "ou",
                    attributeOptionCombo: "aoc"
                )
        )
        #expect(
            values == [
                DataValue(dataElement: "de1", period: "2024W1", orgUnit: "O6uvpzGd5pu", value: "7"),
                DataValue(dataElement: "de2", value: "2", storedBy: "u", comment: "c", deleted: false),
            ]
        )
    }

    @Test("scalars of other types are read as DHIS2 would coerce them")
    func coercion() throws {
        let document = #"""
            {"dataValues":[{"value":12.50,"storedBy":true,"followup":"true","deleted":"false"}],"period":202401}
            """#
        let (header, values) = try DataValueSetDecoder.decode(Array(document.utf8))
        #expect(values == [DataValue(value: "12.50", storedBy: "true", followup: true, deleted: false)])
        #expect(header.period == "202401")
    }

    @Test("escaped keys and values are decoded")
    func escapes() throws {
        let document =
            #"{"data\u0056alues":[{"data\u0045lement":"a\"b","comment":"line1\nline2 \u00e9 \ud83d\ude00"}]}"#
        let (_, values) = try DataValueSetDecoder.decode(Array(document.utf8))
        #expect(values == [DataValue(dataElement: "a\"b", comment: "line1\nline2 é 😀")])
    }

    @Test("empty exports, in both the 2.38+ and the 2.36 shape")
    func emptyExports() throws {
        #expect(try DataValueSetDecoder.decode(Array(#"{"dataValues":[]}"#.utf8)).values.isEmpty)
        #expect(try DataValueSetDecoder.decode(Array("{}".utf8)).values.isEmpty)
        #expect(try DataValueSetDecoder.decode(Array(#"{"dataValues":null}"#.utf8)).values.isEmpty)
    }

    @Test("a truncated export is never a success")
    func truncated() throws {
        let bytes = Array(Self.exportShaped.utf8)
        for length in [0, 1, 15, 100, 300, bytes.count - 2, bytes.count - 1] {
            var decoder = DataValueSetDecoder()
            var count = 0
            try decoder.feed(Array(bytes[0..<length])) { _ in count += 1 }
            #expect(throws: JSONStreamError(.unexpectedEndOfInput, at: length)) { try decoder.finish() }
        }
    }

    @Test("shapes that are not a data value set are rejected with an offset")
    func schemaErrors() {
        let cases: [(String, Int)] = [
            ("[]", 0),
            ("\"x\"", 0),
            (#"{"dataValues":{}}"#, 14),
            (#"{"dataValues":"x"}"#, 14),
            (#"{"dataValues":[1]}"#, 15),
            (#"{"dataValues":[null]}"#, 15),
            (#"{"dataValues":[[]]}"#, 15),
            (#"{"dataValues":[{"value":{}}]}"#, 24),
            (#"{"dataValues":[{"value":[]}]}"#, 24),
            (#"{"dataValues":[{"followup":1}]}"#, 27),
            (#"{"dataValues":[{"deleted":"yes"}]}"#, 26),
            (#"{"dataSet":["a"],"dataValues":[]}"#, 11),
        ]
        for (document, offset) in cases {
            #expect(throws: JSONStreamError(.invalidDataValueSet, at: offset), "\(document)") {
                _ = try DataValueSetDecoder.decode(Array(document.utf8))
            }
        }
    }

    @Test("an error thrown by the consumer stops decoding")
    func consumerError() throws {
        struct Enough: Error, Equatable {}
        var decoder = DataValueSetDecoder()
        let bytes = Array(Self.exportShaped.utf8)
        #expect(throws: Enough()) {
            try decoder.feed(bytes) { _ in throw Enough() }
        }
        #expect(throws: Enough()) { try decoder.finish() }
    }

    @Test("values kept by the consumer are not overwritten by later ones")
    func retainedValues() throws {
        var decoder = DataValueSetDecoder()
        var kept: [DataValue] = []
        let document = #"{"dataValues":[{"value":"1","comment":"a"},{"value":"2"},{"value":"3","comment":"c"}]}"#
        try decoder.feed(Array(document.utf8)) { kept.append($0) }
        let header = try decoder.finish()
        #expect(header.isEmpty)
        #expect(decoder.valueCount == 3)
        #expect(kept.map(\.value) == ["1", "2", "3"])
        #expect(kept.map(\.comment) == ["a", nil, "c"])
    }

    @Test("dhis2-core datavalueset fixtures decode", .enabled(if: fixturesAvailable))
    func datavaluesetFixtures() throws {
        let created = try decodeDataValues(try fixture("datavalueset/dataValueSetCreateDate.json"))
        #expect(
            created.values == [
                DataValue(
                    dataElement: "f7n9E0hX8qk",
                    period: "201201",
                    orgUnit: "DiszpKrYNg8",
                    value: "20",
                    storedBy: "system",
                    created: "1988-12-21T23:59:38.000+0000",
                    lastUpdated: "1988-12-21T23:59:38.000+0000",
                    comment: nil,
                    followup: false
                )
            ]
        )
        let updated = try decodeDataValues(try fixture("datavalueset/dataValueSetCreateDateUpdated.json"))
        #expect(updated.values.first?.comment == "new comment")
        #expect(updated.values.first?.value == "22")

        let expectedValues: [String: String?] = [
            "dataValueSetJ.json": "10", "dataValueSetJDeleteNewValue.json": "9",
            "dataValueSetJDeleteZeroValue.json": "0", "dataValueSetJDeleteNoValue.json": nil,
        ]
        for (name, value) in expectedValues {
            let bytes = try fixture("datavalueset/\(name)")
            let decoded = try decodeDataValues(bytes)
            #expect(
                decoded.values == [
                    DataValue(dataElement: "f7n9E0hX8qk", period: "201201", orgUnit: "DiszpKrYNg8", value: value)
                ],
                "\(name)"
            )
            #expect(decoded.values == (try foundationDataValues(bytes)).values)
        }
    }

    @Test("dhis2-core aggregate fixtures decode and match Foundation", .enabled(if: fixturesAvailable))
    func aggregateFixtures() throws {
        var rng = SeededGenerator(seed: 3)
        let bulk = try fixture("aggregate/dataValues_bulk.json")
        let reference = try foundationDataValues(bulk)
        #expect(reference.values.count == 231)
        #expect(try decodeDataValues(bulk).values == reference.values)
        for _ in 0..<10 {
            #expect(try decodeDataValues(bulk, cuts: randomCuts(bulk.count, using: &rng)).values == reference.values)
        }
        #expect(reference.values.first?.dataElement == "tpz77FcntKx")
        #expect(reference.values.first?.followup == false)

        // The e2e file says "completedDate", which is not a DataValueSet property: DHIS2 ignores it, so do we.
        let single = try decodeDataValues(try fixture("aggregate/dataValues_single_dataset.json"))
        #expect(single.header == DataValueSetHeader(dataSet: "VEM58nY22sO", period: "201911", orgUnit: "O6uvpzGd5pu"))
        #expect(single.values.map(\.categoryOptionCombo) == ["oPcWGgS2Liz", "rtfSaMjPyq6"])
        #expect(single.values.map(\.value) == ["1000", "2000"])
    }

    @Test("metadata.json is valid JSON for the tokenizer at every chunking", .enabled(if: fixturesAvailable))
    func metadataTokenizes() throws {
        let bytes = try fixture("aggregate/metadata.json")
        let whole = tokenize(bytes)
        #expect(whole.error == nil)
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<5 {
            #expect(tokenize(bytes, cuts: randomCuts(bytes.count, using: &rng)) == whole)
        }
        // Not a data value set: no dataValues key, so no values, and no error.
        #expect(try decodeDataValues(bytes).values.isEmpty)
    }
}
