extension ImportProcessor {
    /// E7614/E7616: every category option of a given option combo needs data write access; each option
    /// without it is a conflict of its own (DataValueSetImportValidator loops over the options).
    mutating func checkOptionAccess(_ combo: Int, id: String, attribute: Bool, index: Int) -> Bool {
        guard !rules.unwritableOptionsOfCombo.isEmpty else { return true }
        let blocked = rules.unwritableOptionsOfCombo[combo]
        guard !blocked.isEmpty else { return true }
        for (position, option) in blocked.enumerated() {
            let optionUID = metadata.categoryOptions[option].identity.id
            summary.conflict(
                index: index,
                attribute ? "E7616" : "E7614",
                "\(attribute ? "Attribute" : "Category") option combo: `\(id)` option not accessible: `\(optionUID)`",
                objects: [("categoryOptionCombo", id), ("categoryOption", optionUID)],
                property: attribute ? "attributeOptionCombo" : "categoryOptionCombo",
                countsValue: position == 0
            )
        }
        return false
    }

    /// E7617: the org unit must lie in the user's data capture hierarchy.
    mutating func checkCaptureHierarchy(_ unit: Int, id: String, index: Int) -> Bool {
        guard !rules.inCaptureHierarchy(unit, metadata: metadata) else { return true }
        summary.conflict(
            index: index,
            "E7617",
            "Organisation unit: `\(id)` not in hierarchy of current user: `\(rules.userID)`",
            objects: [("organisationUnit", id), ("user", rules.userID)],
            property: "orgUnit"
        )
        return false
    }

    /// E7621: a data element with an option set takes only its option codes (MULTI_TEXT: each of its
    /// comma-separated codes). A row without a value (comment only) is no code either, as in
    /// DataValueSetImportValidator.validateDataValueOptionsExist.
    mutating func checkOption(_ text: String?, element: Int, index: Int) -> Bool {
        guard !rules.optionCodes.isEmpty, let codes = rules.optionCodes[element] else { return true }
        let valid =
            metadata.dataElements[element].valueType == "MULTI_TEXT"
            ? text?.split(separator: ",").allSatisfy { codes.contains(String($0)) } ?? false
            : text.map(codes.contains) ?? false
        guard !valid else { return true }
        let elementUID = metadata.dataElements[element].identity.id
        summary.conflict(
            index: index,
            "E7621",
            "Data value is not a valid option of the data element option set: `\(elementUID)`",
            objects: [("dataElement", elementUID)],
            property: "value"
        )
        return false
    }
}
