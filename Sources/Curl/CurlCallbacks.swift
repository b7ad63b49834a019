import CCurl

/// The C callbacks. They capture nothing (C function pointers cannot); the transfer comes in as userdata.
enum CurlCallbacks {
    static let write: ccurl_data_cb = { data, size, count, userdata in
        let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
        return context.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let header: ccurl_data_cb = { data, size, count, userdata in
        let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
        context.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
        return size * count
    }

    static let read: ccurl_data_cb = { data, size, count, userdata in
        let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
        return context.sendBody(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
    }
}
