package org.libhotline;

/** How {@link Hotline#open} opens a database: a builder with chained setters. */
public final class OpenOptions {
	String policy;
	String keyHex;
	String keyId;
	boolean unencrypted;

	/** The policy: a built-in name or a file (default: gm-hotline). */
	public OpenOptions policy(String policy) {
		this.policy = policy;
		return this;
	}

	/**
	 * The key-encryption key for owners' personal data: 32 bytes and its id.
	 * Without a key an encrypted database opens, but reads show personal data
	 * masked and commands carrying it fail with {@link WrongKeyException}.
	 */
	public OpenOptions key(byte[] key, String keyId) {
		if (key == null || key.length != 32)
			throw new InvalidException("key must be 32 bytes");
		StringBuilder hex = new StringBuilder(64);
		for (byte b : key)
			hex.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
		this.keyHex = hex.toString();
		this.keyId = keyId;
		return this;
	}

	/** The key and id of a key file as written by {@code hotline keygen}. */
	public OpenOptions keyFile(String path) {
		String s = Hotline.loaded().key_file_read(path);
		this.keyHex = s.substring(0, 64);
		this.keyId = s.substring(65);
		return this;
	}

	/** Store owners' personal data in clear (HOTLINE_DB_UNENCRYPTED). */
	public OpenOptions unencrypted(boolean unencrypted) {
		this.unencrypted = unencrypted;
		return this;
	}
}
