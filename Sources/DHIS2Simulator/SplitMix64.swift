/// A tiny, fast, deterministic pseudo-random generator (SplitMix64).
///
/// The simulator must produce the same metadata and values for the same seed on every platform and
/// Swift version, which rules out the standard library's `SystemRandomNumberGenerator`.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a stateless hash of one 64-bit word, used to derive per-value randomness
    /// from `(seed, index)` without keeping any state per value.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0..<bound` (bound > 0), deterministic for the generator state.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// A derived generator whose stream depends on this seed and `label`, so adding draws for one kind of
    /// object does not shift the identifiers of another.
    static func stream(seed: UInt64, label: String) -> SplitMix64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return SplitMix64(seed: mix(seed ^ hash))
    }
}
