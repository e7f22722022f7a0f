package org.libhotline;

import java.time.Instant;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.libhotline.internal.Handle;
import org.libhotline.internal.HotlineNative;

/**
 * An open libhotline database. Documents (snapshots, assessments,
 * explanations, ...) come back as JSON text: the JDK has no JSON parser, so
 * parse them with the library of your choice; their keys are described in
 * share/doc/hotline/documents.md.
 *
 * <p>Thread-safe: the C handle is, and many threads may call one Database at
 * once. {@link #close} waits for the calls under way and makes every later
 * call throw {@link InvalidException} instead of touching freed memory.
 */
public final class Database implements AutoCloseable {
	private final Handle handle;
	/* Calls share it; close() takes it alone, so no call runs on a freed handle. */
	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
	private boolean closed;

	Database(Handle handle) {
		this.handle = handle;
	}

	private Handle live() {
		lock.readLock().lock();
		if (closed) {
			lock.readLock().unlock();
			throw new InvalidException("the database is closed");
		}
		return handle;
	}

	private void done() {
		lock.readLock().unlock();
	}

	/* One call on the live handle, under the shared lock. */
	private <T> T with(Function<Handle, T> call) {
		Handle h = live();
		try {
			return call.apply(h);
		} finally {
			done();
		}
	}

	/* For the classes of this package that add calls of their own (Feed). */
	<T> T call(Function<Handle, T> call) {
		return with(call);
	}

	private void run(Consumer<Handle> call) {
		with(h -> {
			call.accept(h);
			return null;
		});
	}

	/* Seconds since the epoch; a missing instant is refused as the C library refuses bad input. */
	private static long seconds(Instant t, String what) {
		if (t == null)
			throw new InvalidException(what + " is null");
		return t.getEpochSecond();
	}

	private static long secondsOrNone(Instant t) {
		return t == null ? HotlineNative.TIME_NONE : t.getEpochSecond();
	}

	/** Close the database; harmless when already closed. */
	@Override
	public void close() {
		lock.writeLock().lock();
		try {
			if (!closed) {
				closed = true;
				handle.close();
				handle.delete();
			}
		} finally {
			lock.writeLock().unlock();
		}
	}

	public boolean isClosed() {
		lock.readLock().lock();
		try {
			return closed;
		} finally {
			lock.readLock().unlock();
		}
	}

	/** Apply one command given as JSON (the lines of a .jsonl scenario). */
	public Applied exec(String json) {
		// repeated is kept per thread by the native layer, so read it in the same thread.
		return with(h -> new Applied(h.exec_json(json), h.last_repeated()));
	}

	/**
	 * Apply a command with the client's id for it ("command_id", 1-128 bytes):
	 * sending it again returns the first seq with {@code repeated} true. The
	 * JSON must be an object without its own "command_id".
	 */
	public Applied exec(String json, String commandId) {
		String t = json == null ? "" : json.strip();
		if (!t.startsWith("{") || commandId == null)
			throw new InvalidException("exec needs a JSON object and a command id");
		String rest = t.substring(1).strip();
		String field = "\"command_id\":" + quote(commandId);
		return exec("{" + field + (rest.startsWith("}") ? "" : ",") + rest);
	}

	private static String quote(String s) {
		StringBuilder b = new StringBuilder("\"");
		for (char c : s.toCharArray()) {
			if (c == '"' || c == '\\')
				b.append('\\').append(c);
			else if (c < 0x20)
				b.append(String.format("\\u%04x", (int) c));
			else
				b.append(c);
		}
		return b.append('"').toString();
	}

	/** Start a batch: the commands until {@link #commit} are applied together or not at all. */
	public void begin() {
		run(Handle::begin);
	}

	public void commit() {
		run(Handle::commit);
	}

	public void rollback() {
		run(Handle::rollback);
	}

	/** Run {@code body} in a batch: committed when it returns, rolled back when it throws. */
	public void transaction(Consumer<Database> body) {
		begin();
		try {
			body.accept(this);
		} catch (RuntimeException | Error e) {
			try {
				rollback();
			} catch (RuntimeException suppressed) {
				e.addSuppressed(suppressed);
			}
			throw e;
		}
		commit();
	}

	/** The case's snapshot as JSON text; {@link NotFoundException} when there is no such case. */
	public String caseSnapshot(String caseId) {
		return with(h -> h.case_json(caseId));
	}

	/** Same as {@link #caseSnapshot}, named after the CLI's {@code show}. */
	public String show(String caseId) {
		return caseSnapshot(caseId);
	}

	/** A case's accepted commands in order as a JSON array; caseId null: the organisation stream. */
	public String history(String caseId) {
		return with(h -> h.history(caseId));
	}

	/** Snapshots of the cases with a deadline before {@code before}, the most overdue first, as a JSON array. */
	public String sweep(Instant before) {
		return with(h -> h.sweep(seconds(before, "before")));
	}

	/** Snapshots of the cases of a property in a state (either null: any), by id, as a JSON array. */
	public String cases(String property, String state) {
		return with(h -> h.cases(property, state));
	}

	/** The people, properties and bonuses in force at {@code asOf} (null: every definition so far) as JSON text. */
	public String directory(Instant asOf) {
		return with(h -> h.directory(secondsOrNone(asOf)));
	}

	/** The month's assessment containing {@code asOf} as JSON text. */
	public String assess(Instant asOf) {
		return assess(asOf, false);
	}

	/** The assessment as JSON text, or CSV when {@code csv}. */
	public String assess(Instant asOf, boolean csv) {
		return with(h -> h.assess(seconds(asOf, "asOf"), csv));
	}

	/** Why a case costs what it costs, as JSON text; asOf null: the case's latest instant. */
	public String explain(String caseId, Instant asOf) {
		return with(h -> h.explain(caseId, secondsOrNone(asOf)));
	}

	/** Check the hash chain of one case (null: the whole log); the number of events checked. */
	public long verifyLog(String caseId) {
		return with(h -> h.verify_log(caseId));
	}

	public long verifyLog() {
		return verifyLog(null);
	}

	/** Open deadlines in [from, to) as JSON text; person and property may be null (everyone, everywhere). */
	public String deadlines(Instant from, Instant to, String person, String property) {
		return with(h -> h.deadlines(seconds(from, "from"), seconds(to, "to"), person, property));
	}

	/** An unsigned checkpoint of the whole log (its text, hlc1:...). */
	public String checkpoint() {
		return with(h -> h.checkpoint(0));
	}

	/** The encryption state (keys, counts) as JSON text. */
	public String encryption() {
		return with(h -> h.encryption());
	}

	/**
	 * The policy the database records (share/doc/hotline/policy-record.md) and the one
	 * this handle reads under, as JSON text: {"recorded": {"name", "digest"} or null,
	 * "in_use": {"name", "digest"}, "what_if"}. Opened without a policy, a handle
	 * computes with the recorded one; opened with another, it only reads (a what-if)
	 * and every command throws {@link PolicyException}.
	 */
	public String policyRecord() {
		return with(h -> h.policy_json());
	}

	/**
	 * Change the database's policy from {@code at} on (a `policy` line,
	 * share/doc/hotline/policy-record.md): {@code policy} is a built-in name or a
	 * policy JSON file's path. {@code actor}: an administrator (null while the
	 * directory has none). Clocks that started before {@code at} keep the policy they
	 * started under; every open case's next due is recomputed in the same
	 * transaction. This handle follows the new policy; another opened with the old
	 * one only reads from then on.
	 */
	public Applied setPolicy(String policy, String actor, Instant at) {
		if (policy == null || at == null)
			throw new InvalidException("setPolicy needs a policy and the instant it is in force from");
		String line = Hotline.loaded().policy_line(policy);
		StringBuilder extra = new StringBuilder();
		if (actor != null)
			extra.append("\"actor\":").append(quote(actor)).append(',');
		extra.append("\"at\":").append(quote(at.toString())).append(',');
		// the line is a JSON object: the extra keys go first
		return exec("{" + extra + line.strip().substring(1));
	}

	/**
	 * The working-day calendar the database computes with (share/doc/hotline/calendar.md)
	 * as JSON text: {"years": [{"year", "source", "digest", "holidays", "workdays",
	 * "recorded", ...}], "first", "last"}.
	 */
	public String calendar() {
		return with(h -> h.calendar());
	}

	/**
	 * Record {@code year}'s holidays and make-up working days in the database (a
	 * `calendar` line): {@code format} "json" (the cn-holidays shape), "ical" or
	 * "builtin" (the library's own data; {@code data} null). {@code actor}: an
	 * administrator (null while the directory has none); {@code at} may be null.
	 * Every open case's next due is recomputed in the same transaction.
	 */
	public Applied adoptCalendar(int year, String format, String data, String actor, Instant at) {
		if (format == null)
			throw new InvalidException("adoptCalendar needs a format: json, ical or builtin");
		String line = Hotline.loaded().calendar_line(year, format, data, null);
		StringBuilder extra = new StringBuilder();
		if (actor != null)
			extra.append("\"actor\":").append(quote(actor)).append(',');
		if (at != null)
			extra.append("\"at\":").append(quote(at.toString())).append(',');
		// the line is a JSON object: the extra keys go first
		return exec("{" + extra + line.strip().substring(1));
	}
}
