import CCodecs

/// Versions of the image libraries this build links, for `stylelab info` and reports.
public enum ImagingLibraries {
    public static var pngVersion: String { String(cString: sl_png_version()) }
    public static var jpegVersion: String { String(cString: sl_jpeg_version()) }
}
