extension ValueSpace {
    private static let storedByNames = ["admin", "hmis.officer", "district.clerk", "facility.user", "system"]
    private static let comments = [
        "Checked against the facility register",
        "Late report, entered at district",
        "Stock count done on \"last Friday\"",
        "Includes outreach sessions\nsee supervisor notes",
    ]
    private static let remarks = ["All services running", "Staff shortage", "Power outage for 3 days", "Flooding"]

    /// The content of the pristine value with `key`, a pure function of (seed, key).
    func content(key: UInt64, slot: Slot, valueType: String, zeroIsSignificant: Bool, periodEndDay: Int) -> StoredValue
    {
        let hash = SplitMix64.mix(seed &+ key &* 0x9E37_79B9_7F4A_7C15)
        let second = SplitMix64.mix(hash)
        let value = ValueSpace.generateValue(hash, valueType: valueType, zeroIsSignificant: zeroIsSignificant)
        // Entered within three weeks after the period ended, during working hours, never after "now".
        let enteredDay = periodEndDay + 1 + Int(second % 21)
        var created = Timestamp(
            milliseconds: Int64(enteredDay) * 86_400_000 + 28_800_000 + Int64((second >> 8) % 32_400_000)
        )
        if created > now {
            created = Timestamp(milliseconds: now.milliseconds - 3_600_000 - Int64(second % 86_400_000))
        }
        var lastUpdated = created
        if (second >> 40) % 5 == 0 {
            lastUpdated = Timestamp(milliseconds: created.milliseconds + Int64((second >> 20) % (60 * 86_400_000)))
            if lastUpdated > now { lastUpdated = created }
        }
        let roll = (hash >> 48) % 1000
        return StoredValue(
            value: value,
            storedBy: ValueSpace.storedByNames[Int((second >> 32) % UInt64(ValueSpace.storedByNames.count))],
            created: created,
            lastUpdated: lastUpdated,
            comment: roll < 40 ? ValueSpace.comments[Int(roll % UInt64(ValueSpace.comments.count))] : nil,
            followup: roll >= 40 && roll < 50,
            deleted: roll >= 985
        )
    }

    private static func generateValue(_ hash: UInt64, valueType: String, zeroIsSignificant: Bool) -> String {
        let low = zeroIsSignificant ? 0 : 1
        switch valueType {
        case "INTEGER_POSITIVE": return String(1 + Int(hash % 250))
        case "INTEGER_ZERO_OR_POSITIVE": return String(low + Int(hash % 120))
        case "INTEGER", "INTEGER_NEGATIVE":
            let number = Int(hash % 400) - 30
            return String(number == 0 && !zeroIsSignificant ? 1 : number)
        case "NUMBER", "UNIT_INTERVAL":
            if valueType == "UNIT_INTERVAL" { return "0.\(hash % 100)" }
            return String(Int(hash % 5000) + low) + "." + String(Int(hash >> 20) % 10)
        case "PERCENTAGE": return String(low + Int(hash % UInt64(101 - low)))
        case "BOOLEAN": return hash & 1 == 0 ? "true" : "false"
        case "TRUE_ONLY": return "true"
        case "TEXT", "LONG_TEXT": return remarks[Int(hash % UInt64(remarks.count))]
        default: return String(low + Int(hash % 100))
        }
    }
}
