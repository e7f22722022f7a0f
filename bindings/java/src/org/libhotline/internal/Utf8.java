package org.libhotline.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.libhotline.InvalidException;

/**
 * Text as the native layer takes and gives it: UTF-8 bytes. JNI's own
 * strings are modified UTF-8, which the library refuses for characters
 * beyond U+FFFF (emoji); a NUL would cut a C string short, so it is refused
 * here, as is a lone surrogate (no UTF-8 for it).
 */
public final class Utf8 {
	private Utf8() {
	}

	/** {@code s} as UTF-8 (null for null); {@code name} names it in the refusal. */
	public static byte[] encode(String s, String name) {
		if (s == null)
			return null;
		if (s.indexOf('\0') >= 0)
			throw new InvalidException(name + " must not contain NUL characters");
		try {
			ByteBuffer b = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
			byte[] out = new byte[b.remaining()];
			b.get(out);
			return out;
		} catch (CharacterCodingException e) {
			throw new InvalidException(name + " is not valid text: it holds a lone surrogate");
		}
	}

	/** Each string as UTF-8 (null for null). */
	public static byte[][] encodeAll(String[] s, String name) {
		if (s == null)
			return null;
		byte[][] out = new byte[s.length][];
		for (int i = 0; i < s.length; i++)
			out[i] = encode(s[i], name);
		return out;
	}

	/** UTF-8 bytes as a string (null for null). */
	public static String decode(byte[] b) {
		return b == null ? null : new String(b, StandardCharsets.UTF_8);
	}
}
