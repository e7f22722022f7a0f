package org.libhotline;

import org.libhotline.internal.HotlineNative;

/**
 * Entry point of the binding. The JNI library {@code hotline_java} is loaded
 * with {@link System#loadLibrary} from {@code java.library.path} the first
 * time this class is used; it finds libhotline itself through its RPATH.
 */
public final class Hotline {
	private Hotline() {
	}

	static {
		System.loadLibrary("hotline_java");
	}

	/** The native layer, loaded. */
	static HotlineNativeAccess loaded() {
		return HotlineNativeAccess.INSTANCE;
	}

	/** The C library's version string. */
	public static String version() {
		return HotlineNative.version();
	}

	/** Open "memory:", "sqlite:PATH" (or a bare path) or a PostgreSQL URI with default options. */
	public static Database open(String uri) {
		return open(uri, new OpenOptions());
	}

	public static Database open(String uri, OpenOptions options) {
		OpenOptions o = options != null ? options : new OpenOptions();
		return new Database(new org.libhotline.internal.Handle(uri, o.policy, o.keyHex, o.keyId, o.unencrypted));
	}

	/** The static functions of the native layer, behind one object so that loading happens first. */
	static final class HotlineNativeAccess {
		static final HotlineNativeAccess INSTANCE = new HotlineNativeAccess();

		String key_file_read(String path) {
			return HotlineNative.key_file_read(path);
		}

		String calendar_line(int year, String format, String data, String source) {
			return HotlineNative.calendar_line(year, format, data, source);
		}

		String policy_line(String policy) {
			return HotlineNative.policy_line(policy);
		}
	}
}
