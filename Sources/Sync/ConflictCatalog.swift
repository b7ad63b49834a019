/// What a DHIS2 data value import conflict code means and what usually clears it, for
/// `conflicts --explain` and the grouped ledger view.
///
/// Codes are those of `/api/dataValueSets` on 2.38–2.42 (E76xx) and the few 2.43 replacements the
/// sync meets (E80xx/E81xx), per dhis2-api.md §2.4 and landscape.md §3. The texts are ours.
public enum ConflictCatalog {
    public struct Entry: Sendable, Hashable {
        public var code: String
        /// What the destination objected to.
        public var meaning: String
        /// The usual way out, then `conflicts retry`.
        public var fix: String
        /// True when the whole batch was refused, not one value.
        public var abortsBatch: Bool

        public init(code: String, meaning: String, fix: String, abortsBatch: Bool = false) {
            self.code = code
            self.meaning = meaning
            self.fix = fix
            self.abortsBatch = abortsBatch
        }
    }

    /// The entry for a code (case and surrounding blanks ignored), nil for codes it does not know.
    public static func entry(_ code: String) -> Entry? {
        let wanted = code.filter { !$0.isWhitespace }.uppercased()
        return entries.first { $0.code == wanted }
    }

    /// The known codes, sorted.
    public static var codes: [String] { entries.map(\.code) }

    /// A short explanation in a few lines: code, meaning, fix.
    public static func explanation(_ entry: Entry) -> [String] {
        [
            "\(entry.code): \(entry.meaning)" + (entry.abortsBatch ? " (the whole batch is refused)" : ""),
            "  usual fix: \(entry.fix)",
        ]
    }

    private static let metadataFix =
        "import or create the missing metadata on the destination (or map it), then `dhis2-sync conflicts retry`"

    static let entries: [Entry] = [
        Entry(
            code: "E7600",
            meaning: "the data set named in the payload is unknown to the destination or the user cannot see it",
            fix: "create the data set on the destination with the source's UID (or code, under the CODE id scheme), "
                + "or share it with the sync user",
            abortsBatch: true
        ),
        Entry(
            code: "E7601",
            meaning: "the sync user may read but not write data for the data set",
            fix: "give the destination user data-write sharing on the data set",
            abortsBatch: true
        ),
        Entry(
            code: "E7603",
            meaning: "the org unit in the payload header does not exist on the destination or is not visible",
            fix: metadataFix,
            abortsBatch: true
        ),
        Entry(
            code: "E7604",
            meaning: "the attribute option combo in the payload header does not exist on the destination or is "
                + "not visible",
            fix: metadataFix,
            abortsBatch: true
        ),
        Entry(
            code: "E7610",
            meaning: "the value's data element does not exist on the destination (or the user cannot see it)",
            fix: "import the data element (same UID or code) on the destination, check its sharing, then retry"
        ),
        Entry(
            code: "E7611",
            meaning: "the period id is malformed or of a type the destination does not know",
            fix: "check the source value's period; types added in later versions (e.g. new financial years) need a "
                + "destination that knows them"
        ),
        Entry(
            code: "E7612",
            meaning: "the value's org unit does not exist on the destination or is not visible to the user",
            fix: "import the org unit hierarchy (same UIDs or codes) on the destination, then retry"
        ),
        Entry(
            code: "E7613",
            meaning: "the category option combo is unknown on the destination or not writable for the user",
            fix: "import the category combo with its option combos (matching UIDs); regenerate option combos "
                + "on the destination if they were rebuilt with new UIDs, or map them"
        ),
        Entry(
            code: "E7614",
            meaning: "the user lacks data-write access to one of the category options behind the option combo",
            fix: "share the category options with the sync user for data write"
        ),
        Entry(
            code: "E7615",
            meaning: "the attribute option combo is unknown on the destination or not writable for the user",
            fix: "import the data set's attribute category combo and its option combos, or map the AOC"
        ),
        Entry(
            code: "E7616",
            meaning: "the user lacks data-write access to an option of the attribute option combo",
            fix: "share the attribute's category options with the sync user for data write"
        ),
        Entry(
            code: "E7617",
            meaning: "the org unit lies outside the sync user's data capture hierarchy",
            fix: "assign the user a capture org unit above it (often the root) on the destination"
        ),
        Entry(
            code: "E7618",
            meaning: "the value is empty and carries no comment, which an import refuses",
            fix: "nothing to copy: clear such values at the source or delete them (a blank is not a delete)"
        ),
        Entry(
            code: "E7619",
            meaning: "the value does not fit the data element's value type on the destination",
            fix: "align the data element's value type on both sides, or correct the source value"
        ),
        Entry(
            code: "E7620",
            meaning: "the comment is not acceptable (typically too long)",
            fix: "shorten the comment at the source"
        ),
        Entry(
            code: "E7621",
            meaning: "the value is not one of the codes of the data element's option set",
            fix: "add the option to the destination's option set, or correct the source value"
        ),
        Entry(
            code: "E7630",
            meaning: "a category option combo is required (requireCategoryOptionCombo) and the value has none",
            fix: "send values with their COC, or turn the requirement off for the import"
        ),
        Entry(
            code: "E7631",
            meaning: "an attribute option combo is required (requireAttributeOptionCombo) and the value has none",
            fix: "send values with their AOC, or turn the requirement off for the import"
        ),
        Entry(
            code: "E7632",
            meaning: "the period's type does not match the data set's period type (strict periods)",
            fix: "give the data set the same period type on both sides"
        ),
        Entry(
            code: "E7633",
            meaning: "the data element is not part of the data set the values are imported for (strict data elements)",
            fix: "add the data element to the destination's data set (dataSetElements), then retry"
        ),
        Entry(
            code: "E7634",
            meaning: "the category option combo does not belong to the data element's category combo",
            fix: "make the data element use the same category combo on both sides, or map the COC"
        ),
        Entry(
            code: "E7635",
            meaning: "the attribute option combo does not belong to the data set's attribute category combo",
            fix: "give the destination data set the source's attribute category combo, or map the AOC"
        ),
        Entry(
            code: "E7636",
            meaning: "the org unit is not assigned to any data set holding the data element (strict org units)",
            fix: "assign the org unit to the data set on the destination"
        ),
        Entry(
            code: "E7637",
            meaning: "storedBy is not acceptable (too long or invalid)",
            fix: "shorten storedBy at the source; the destination otherwise uses the importing user"
        ),
        Entry(
            code: "E7638",
            meaning: "the period lies outside the start/end dates of a category option of the attribute option combo",
            fix: "widen the category option's dates on the destination to match the source"
        ),
        Entry(
            code: "E7639",
            meaning: "the org unit is not among those allowed for a category option of the attribute option combo",
            fix: "add the org unit to the category option's org units on the destination"
        ),
        Entry(
            code: "E7640",
            meaning: "data entry for the period has closed: the data set's expiry days have passed",
            fix: "raise expiryDays on the destination's data set, or import as a user with the authority to "
                + "add expired data"
        ),
        Entry(
            code: "E7641",
            meaning: "the period lies further in the future than the data set's open future periods allow",
            fix: "raise openFuturePeriods on the destination's data set (superusers skip this check on 2.43+, "
                + "so test as the sync user)"
        ),
        Entry(
            code: "E7642",
            meaning: "the data is already approved on the destination and locked by that",
            fix: "unapprove the period and org unit on the destination if the change is wanted"
        ),
        Entry(
            code: "E7643",
            meaning: "the period is not open for data entry in the data set (data input periods)",
            fix: "open the period in the destination data set's data input periods"
        ),
        Entry(
            code: "E7644",
            meaning: "the period falls outside the open periods of the data sets holding the element",
            fix: "open the period on the destination; 2.41/2.42 also answer this when the payload names a data "
                + "set that was created minutes ago (cache) — retry later"
        ),
        Entry(
            code: "E7645",
            meaning: "a file-resource value points at a file the destination does not have",
            fix: "file values are not copied by a data value sync; upload the file resource first"
        ),
        Entry(
            code: "E8002",
            meaning: "2.43+: the data set could not be decided for the payload (the element is in several data sets)",
            fix: "send each batch with an explicit data set (dhis2-sync always does); check the pair's data sets",
            abortsBatch: true
        ),
        Entry(
            code: "E8023",
            meaning: "2.43+: the attribute option combo is not part of the data set's attribute category combo",
            fix: "give the destination data set the source's attribute category combo, or map the AOC "
                + "(no import flag bypasses this on 2.43)"
        ),
        Entry(
            code: "E8024",
            meaning: "2.43+: the category option combo is not part of the data element's category combo",
            fix: "make the data element use the same category combo on both sides, or map the COC"
        ),
        Entry(
            code: "E8120",
            meaning: "2.43+: a value is empty (the 2.43 form of E7618)",
            fix: "clear such values at the source or delete them"
        ),
        Entry(
            code: "E8122",
            meaning: "2.43+: a value was refused; the conflict no longer names the object, only an argument string",
            fix: "read the conflict's message for the object, then fix it as for the matching E76xx code"
        ),
        Entry(
            code: "E8128",
            meaning: "2.43+: two values with the same key in one batch",
            fix: "the source export holds a duplicate key; check mappings that fold two ids into one"
        ),
    ]
}
