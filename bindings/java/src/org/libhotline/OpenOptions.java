package org.libhotline;

import java.time.Duration;

/** How {@link Hotline#open} opens a database: a builder with chained setters (hotline_db_options). */
public final class OpenOptions {
	/** What an open may do (hotline_open_mode). */
	public enum Mode {
		/** Create a missing database, else open it read-write. */
		DEFAULT,
		/** Never write: every command is refused. */
		READ_ONLY,
		/** An existing database only. */
		READ_WRITE,
		/** Create the database. */
		CREATE
	}

	/** SQLite durability. */
	public enum Synchronous {
		/** The library's default (NORMAL). */
		DEFAULT,
		/** synchronous NORMAL (WAL). */
		NORMAL,
		/** synchronous FULL. */
		FULL
	}

	String policy;
	String keyHex;
	String keyId;
	boolean unencrypted;
	Mode mode = Mode.DEFAULT;
	String readUri;
	int busyTimeoutMillis;
	Synchronous synchronous = Synchronous.DEFAULT;

	/** The policy: a built-in name or a file (default: the one the database records, else gm-hotline). */
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
		this.keyHex = Database.hex(key);
		this.keyId = keyId;
		return this;
	}

	/** The key and id of a key file as written by {@code hotline keygen}. */
	public OpenOptions keyFile(String path) {
		Database.required(path, "path");
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

	/** Read-only, read-write on an existing database, or create. */
	public OpenOptions mode(Mode mode) {
		Database.required(mode, "mode");
		this.mode = mode;
		return this;
	}

	/**
	 * A second storage (a replica, say) for the calls that scan many cases:
	 * cases, sweep, the assessments (null: the handle's own).
	 */
	public OpenOptions readUri(String readUri) {
		this.readUri = readUri;
		return this;
	}

	/**
	 * How long a SQLite write waits for another writer before it fails with
	 * {@link BusyException} (whole milliseconds, up to 2^31-1; zero: the default 5 s).
	 */
	public OpenOptions busyTimeout(Duration timeout) {
		Database.required(timeout, "timeout");
		if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE)
			throw new InvalidException("busy timeout must be from 0 to " + Integer.MAX_VALUE + " ms, not " + timeout);
		this.busyTimeoutMillis = (int) timeout.toMillis();
		return this;
	}

	/** SQLite durability: NORMAL (the default, WAL) or FULL. */
	public OpenOptions synchronous(Synchronous synchronous) {
		Database.required(synchronous, "synchronous");
		this.synchronous = synchronous;
		return this;
	}
}
