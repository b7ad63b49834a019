/// DHIS2's `ValidationUtils.valueIsValid` for data values: nil when valid, else the i18n key DHIS2 reports
/// in the E7619 conflict.
enum ValueTypeValidation {
    static let maxTextLength = 50_000
    static let maxCommentLength = 5_000

    static func problem(_ value: String, valueType: String) -> String? {
        switch valueType {
        case "NUMBER":
            return isNumeric(value) ? nil : "value_not_numeric"
        case "UNIT_INTERVAL":
            guard isNumeric(value), let number = Double(value), (0...1).contains(number) else {
                return "value_not_unit_interval"
            }
            return nil
        case "PERCENTAGE":
            guard isNumeric(value), let number = Double(value), (0...100).contains(number) else {
                return "value_not_percentage"
            }
            return nil
        case "INTEGER":
            return matchesInteger(value, allowNegative: true, allowZero: true) ? nil : "value_not_integer"
        case "INTEGER_POSITIVE":
            return matchesInteger(value, allowNegative: false, allowZero: false) ? nil : "value_not_positive_integer"
        case "INTEGER_ZERO_OR_POSITIVE":
            return matchesInteger(value, allowNegative: false, allowZero: true)
                ? nil : "value_not_zero_or_positive_integer"
        case "INTEGER_NEGATIVE":
            return value.hasPrefix("-") && matchesInteger(value, allowNegative: true, allowZero: false)
                ? nil : "value_not_negative_integer"
        case "BOOLEAN":
            return ["true", "false"].contains(value.lowercased()) ? nil : "value_not_bool"
        case "TRUE_ONLY":
            return value.lowercased() == "true" ? nil : "value_not_true_only"
        case "DATE":
            return value.count == 10 && Timestamp(parsing: value) != nil ? nil : "value_not_valid_date"
        case "TEXT":
            return value.count > maxTextLength ? "value_length_greater_than_max_length" : nil
        default:
            return nil
        }
    }

    /// `^(-?0|-?[1-9]\d*)(\.\d+)?(E(-)?\d+)?$`, DHIS2's numeric pattern.
    static func isNumeric(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let first = bytes.first, isDigit(first) else { return false }
        if first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else {
            bytes = bytes.drop(while: isDigit)
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard let digit = bytes.first, isDigit(digit) else { return false }
            bytes = bytes.drop(while: isDigit)
        }
        if bytes.first == UInt8(ascii: "E") || bytes.first == UInt8(ascii: "e") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard let digit = bytes.first, isDigit(digit) else { return false }
            bytes = bytes.drop(while: isDigit)
        }
        return bytes.isEmpty
    }

    private static func matchesInteger(_ text: String, allowNegative: Bool, allowZero: Bool) -> Bool {
        if text == "0" { return allowZero }
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            guard allowNegative else { return false }
            bytes = bytes.dropFirst()
        }
        guard let first = bytes.first, first != UInt8(ascii: "0"), bytes.allSatisfy(isDigit) else { return false }
        return bytes.count < 19
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
