package org.libhotline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
		Database.required(uri, "uri");
		OpenOptions o = options != null ? options : new OpenOptions();
		org.libhotline.internal.Handle h = new org.libhotline.internal.Handle(uri, o.policy, o.keyHex, o.keyId,
			o.unencrypted, o.mode.ordinal(), o.readUri, o.busyTimeoutMillis, o.synchronous.ordinal());
		try {
			return new Database(h);
		} catch (RuntimeException e) {
			h.delete();
			throw e;
		}
	}

	/**
	 * Replay scenario files (JSON Lines of commands) and return the document
	 * {@code hotline replay} prints (documents.md, "The replay document"):
	 * {@code policy} null: gm-hotline; {@code asOf} null: the latest {@code at}
	 * of the files; {@code db} null: an in-memory database, else the URI of the
	 * database to replay into.
	 */
	public static JsonObject replay(List<String> files, String policy, Instant asOf, String db) {
		return replay(files, policy, asOf, db, null);
	}

	/**
	 * {@link #replay(List, String, Instant, String)} into a database whose
	 * owners' data needs a key: {@code keys} gives it ({@link OpenOptions#key},
	 * {@link OpenOptions#keyFile}), or {@link OpenOptions#unencrypted} for a
	 * database kept in clear; its other options are not used.
	 */
	public static JsonObject replay(List<String> files, String policy, Instant asOf, String db, OpenOptions keys) {
		return JsonParser.parseString(replayJson(files, policy, asOf, db, keys)).getAsJsonObject();
	}

	/** The exact JSON text of {@link #replay} (without a final newline). */
	public static String replayJson(List<String> files, String policy, Instant asOf, String db) {
		return replayJson(files, policy, asOf, db, null);
	}

	/** The exact JSON text of {@link #replay(List, String, Instant, String, OpenOptions)}. */
	public static String replayJson(List<String> files, String policy, Instant asOf, String db, OpenOptions keys) {
		if (files == null || files.isEmpty())
			throw new InvalidException("no scenario file given");
		for (String f : files)
			Database.required(f, "a scenario file");
		OpenOptions k = keys != null ? keys : new OpenOptions();
		return HotlineNative.replay(files.toArray(new String[0]), policy, Database.secondsOrNone(asOf), db,
			k.keyHex, k.keyId, k.unencrypted);
	}

	/**
	 * Compare a document (a replay's, say) with expectations that hold only what
	 * a test cares about (hotline_expect): the differences, one string each
	 * starting with its JSON path; empty when everything matches.
	 * {@link InvalidException} when either is not JSON.
	 */
	public static List<String> expect(String document, String expected) {
		Database.required(document, "document");
		Database.required(expected, "expected");
		String report = HotlineNative.expect(document, expected);
		List<String> out = new ArrayList<>();
		if (report != null)
			for (String line : report.split("\n")) {
				if ((line.startsWith(" ") || line.startsWith("\t")) && !out.isEmpty())
					out.set(out.size() - 1, out.get(out.size() - 1) + "\n" + line);
				else if (!line.isEmpty())
					out.add(line);
			}
		return out;
	}

	/** The lifecycle table the library runs on (lifecycle.schema.json). */
	public static JsonElement lifecycle() {
		return JsonParser.parseString(HotlineNative.lifecycle_json());
	}

	/**
	 * The Ed25519 public key (32 bytes) of a checkpoint signing key (a 32-byte
	 * seed or a 64-byte secret key): what the host hands to whoever verifies
	 * its checkpoints.
	 */
	public static byte[] checkpointPublicKey(byte[] secretKey) {
		Database.required(secretKey, "secretKey");
		String hex = HotlineNative.checkpoint_public_key(Database.signingKey(secretKey, "secretKey"));
		byte[] out = new byte[hex.length() / 2];
		for (int i = 0; i < out.length; i++)
			out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
		return out;
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
