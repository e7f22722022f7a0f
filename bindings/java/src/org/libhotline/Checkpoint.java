package org.libhotline;

/**
 * A checkpoint of the log: {@code hlc1:<seq>:<count>:<digest>[:<signature>]}
 * (integrity.md). It commits to every event up to {@code seq} ({@code count}
 * of them) and to the directory records they wrote; keep {@code text} away
 * from the database and verify against it later. {@code signature} is null
 * when unsigned.
 */
public record Checkpoint(String text, long seq, long count, String digest, String signature) {

	/** True when the checkpoint carries an Ed25519 signature. */
	public boolean signed() {
		return signature != null;
	}

	@Override
	public String toString() {
		return text;
	}

	/** Read a checkpoint's text; {@link InvalidException} when it does not have a checkpoint's shape. */
	public static Checkpoint parse(String text) {
		if (text == null)
			throw new InvalidException("checkpoint is null");
		String t = text.strip();
		String[] p = t.split(":", -1);
		if ((p.length != 4 && p.length != 5) || !p[0].equals("hlc1") || !p[1].matches("[0-9]{1,18}")
			|| !p[2].matches("[0-9]{1,18}") || p[3].isEmpty() || (p.length == 5 && p[4].isEmpty()))
			throw new InvalidException("not a checkpoint (hlc1:<seq>:<count>:<digest>[:<signature>])");
		return new Checkpoint(t, Long.parseLong(p[1]), Long.parseLong(p[2]), p[3], p.length == 5 ? p[4] : null);
	}
}
