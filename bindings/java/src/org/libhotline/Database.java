package org.libhotline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.libhotline.internal.Handle;
import org.libhotline.internal.HotlineNative;

/**
 * An open libhotline database. Reads come back as records (Case, Event,
 * Assessment, ...) parsed with Gson; each record of a whole document keeps
 * the library's text as {@code json()} (keys: share/doc/hotline/documents.md).
 * Instants of events come back in the zone of the database's policy
 * ({@link #zone}); those of documents with the offset the document gives.
 *
 * <p>Thread-safe: the C handle is, and many threads may call one Database at
 * once. {@link #close} waits for the calls under way and makes every later
 * call throw {@link InvalidException} instead of touching freed memory.
 *
 * <p>Bad input (a null where a value is needed, a negative count, a key of the
 * wrong size) throws {@link InvalidException} before anything is done.
 */
public final class Database implements AutoCloseable {
	private final Handle handle;
	/* Calls share it; close() takes it alone, so no call runs on a freed handle. */
	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
	private boolean closed;
	private final ZoneOffset zone;

	Database(Handle handle) {
		this.handle = handle;
		this.zone = ZoneOffset.ofTotalSeconds(60 * handle.zone_offset());
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
	static long seconds(Instant t, String what) {
		if (t == null)
			throw new InvalidException(what + " is null");
		return t.getEpochSecond();
	}

	static long secondsOrNone(Instant t) {
		return t == null ? HotlineNative.TIME_NONE : t.getEpochSecond();
	}

	static void required(Object value, String what) {
		if (value == null)
			throw new InvalidException(what + " is null");
	}

	static int positive(int n, String what) {
		if (n < 1)
			throw new InvalidException(what + " must be positive, not " + n);
		return n;
	}

	static String hex(byte[] b) {
		StringBuilder s = new StringBuilder(2 * b.length);
		for (byte x : b)
			s.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
		return s.toString();
	}

	private static List<Case> caseList(String text) {
		List<Case> out = new ArrayList<>();
		for (JsonElement e : JsonParser.parseString(text).getAsJsonArray())
			out.add(Case.parse(e.getAsJsonObject(), Docs.GSON.toJson(e)));
		return out;
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

	/** The name of the policy the handle computes with ("gm-hotline", ...). */
	public String policy() {
		return with(Handle::policy);
	}

	/** The zone of the policy, in which events' instants come back. */
	public ZoneOffset zone() {
		return zone;
	}

	/** Apply one command given as JSON (the lines of a .jsonl scenario). */
	public Applied exec(String json) {
		required(json, "the command");
		// repeated is kept per thread by the native layer, so read it in the same thread.
		return with(h -> new Applied(h.exec_json(json), h.last_repeated()));
	}

	/** Apply one command given as a JSON object (Gson's). */
	public Applied exec(JsonObject command) {
		required(command, "the command");
		return exec(Docs.GSON.toJson(command));
	}

	/**
	 * Apply a command with the client's id for it ("command_id", 1-128 bytes):
	 * sending it again returns the first seq with {@code repeated} true. The
	 * JSON must be an object without its own "command_id".
	 */
	public Applied exec(String json, String commandId) {
		JsonElement e;
		try {
			e = json == null ? null : JsonParser.parseString(json);
		} catch (com.google.gson.JsonParseException x) {
			e = null;
		}
		if (e == null || !e.isJsonObject() || commandId == null)
			throw new InvalidException("exec needs a JSON object and a command id");
		JsonObject o = new JsonObject();
		o.addProperty("command_id", commandId);
		e.getAsJsonObject().entrySet().forEach(m -> o.add(m.getKey(), m.getValue()));
		return exec(o);
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
		required(body, "body");
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

	/** The case's snapshot; {@link NotFoundException} when there is no such case. */
	public Case caseSnapshot(String caseId) {
		required(caseId, "caseId");
		return Case.parse(with(h -> h.case_json(caseId)));
	}

	/** Same as {@link #caseSnapshot}, named after the CLI's {@code show}. */
	public Case show(String caseId) {
		return caseSnapshot(caseId);
	}

	/**
	 * A stream's events in order, read a page at a time; caseId null: the
	 * organisation stream (directory lines, calls, ...).
	 */
	public Pages<Event> history(String caseId) {
		return new Pages<>((after, n) -> {
			List<Event> out = new ArrayList<>();
			String text = with(h -> h.history(caseId, after == null ? 0 : (Long) after, n));
			for (JsonElement e : JsonParser.parseString(text).getAsJsonArray())
				out.add(Event.parse(e.getAsJsonObject(), zone));
			return out;
		}, Event::version, -1);
	}

	/** The cases with a deadline before {@code before}, the most overdue first, read a page at a time. */
	public Pages<Case> sweep(Instant before) {
		return sweep(before, -1);
	}

	/** At most {@code limit} of {@link #sweep(Instant)}. */
	public Pages<Case> sweep(Instant before, long limit) {
		long t = seconds(before, "before");
		if (limit < 0 && limit != -1)
			throw new InvalidException("limit must not be negative");
		return new Pages<>((after, n) -> {
			Case c = (Case) after;
			long due = c == null ? HotlineNative.TIME_NONE : c.nextDue().toEpochSecond();
			return caseList(with(h -> h.sweep(t, due, c == null ? null : c.id(), n)));
		}, c -> c, limit);
	}

	/** The cases of a property in a state (either null: any), by id, read a page at a time. */
	public Pages<Case> cases(String property, State state) {
		return cases(property, state, -1);
	}

	/** At most {@code limit} of {@link #cases(String, State)}. */
	public Pages<Case> cases(String property, State state, long limit) {
		if (limit < 0 && limit != -1)
			throw new InvalidException("limit must not be negative");
		String st = state == null ? null : state.wireName();
		return new Pages<>((after, n) -> caseList(with(h -> h.cases(property, st, (String) after, n))), Case::id, limit);
	}

	/** The cases whose owner's phone is {@code phone} (normalised), through the blind index; needs the key. */
	public List<Case> casesByPhone(String phone) {
		required(phone, "phone");
		return caseList(with(h -> h.cases_by_phone(phone)));
	}

	/** The people, properties and bonuses in force at {@code asOf} (null: every definition so far). */
	public Directory directory(Instant asOf) {
		return Directory.parse(with(h -> h.directory(secondsOrNone(asOf))));
	}

	/** The month's assessment containing {@code asOf}. */
	public Assessment assess(Instant asOf) {
		long t = seconds(asOf, "asOf");
		return Assessment.parse(with(h -> h.assess(t, false)));
	}

	/** The assessment at {@code asOf} as CSV text. */
	public String assessCsv(Instant asOf) {
		long t = seconds(asOf, "asOf");
		return with(h -> h.assess(t, true));
	}

	/**
	 * Write the assessment at {@code asOf} to {@code path} as it is produced,
	 * {@code format} "json" or "csv": memory stays small however many cases the
	 * month has. When it fails, no file is left behind.
	 */
	public void assessTo(Path path, Instant asOf, String format) {
		required(path, "path");
		long t = seconds(asOf, "asOf");
		if (!"json".equals(format) && !"csv".equals(format))
			throw new InvalidException("format is \"json\" or \"csv\", not " + format);
		run(h -> h.assess_to(t, "csv".equals(format), path.toString()));
	}

	/** Why a case costs what it costs; asOf null: the case's latest instant. */
	public Explanation explain(String caseId, Instant asOf) {
		required(caseId, "caseId");
		return Explanation.parse(with(h -> h.explain(caseId, secondsOrNone(asOf))));
	}

	/** {@code person}'s statement of {@code month} ("YYYY-MM"); asOf null: the period's end. */
	public Statement statement(String person, String month, Instant asOf) {
		required(person, "person");
		required(month, "month");
		return Statement.parse(with(h -> h.statement(person, month, secondsOrNone(asOf))));
	}

	/** Check the hash chain of one case (null: the whole log); the number of events checked. */
	public long verifyLog(String caseId) {
		return with(h -> h.verify_log(caseId));
	}

	public long verifyLog() {
		return verifyLog(null);
	}

	/** {@link #verifyReport(String, Checkpoint, byte[], int)} of the whole log, at most 1000 findings. */
	public VerifyReport verifyReport() {
		return verifyReport(null, null, null, 1000);
	}

	/**
	 * Everything {@link #verifyLog} checks, with every problem found (not only
	 * the first) as the report's findings: problems do not throw.
	 * {@code caseId} null: the whole log; {@code checkpoint} (null: none) is
	 * checked too, its signature against {@code publicKey} (32 bytes; null: not
	 * checked). Throws when verification cannot run: {@link InvalidException}
	 * for a key of the wrong size or maxFindings below 1,
	 * {@link NotFoundException} for an unknown case.
	 */
	public VerifyReport verifyReport(String caseId, Checkpoint checkpoint, byte[] publicKey, int maxFindings) {
		positive(maxFindings, "maxFindings");
		String pk = publicKey(publicKey);
		String cp = checkpoint == null ? null : checkpoint.text();
		return VerifyReport.parse(with(h -> h.verify_report(caseId, maxFindings, cp, pk)));
	}

	private static String publicKey(byte[] key) {
		if (key == null)
			return null;
		if (key.length != 32)
			throw new InvalidException("publicKey must be 32 bytes, not " + key.length);
		return hex(key);
	}

	static String signingKey(byte[] key, String what) {
		if (key == null)
			return null;
		if (key.length != 32 && key.length != 64)
			throw new InvalidException(what + " must be a 32-byte seed or a 64-byte secret key, not " + key.length + " bytes");
		return hex(key);
	}

	/** An unsigned checkpoint of the whole log. */
	public Checkpoint checkpoint() {
		return checkpoint(0, null);
	}

	/**
	 * A checkpoint of the log up to the global seq {@code upTo} (0: its last
	 * event now), signed with {@code key} (an Ed25519 32-byte seed or 64-byte
	 * secret key; null: unsigned); {@link Hotline#checkpointPublicKey} gives the
	 * key that verifies it. {@link InvalidException} when upTo is beyond the log
	 * or negative.
	 */
	public Checkpoint checkpoint(long upTo, byte[] key) {
		if (upTo < 0)
			throw new InvalidException("upTo must not be negative (0: the log's last event)");
		String k = signingKey(key, "key");
		return Checkpoint.parse(with(h -> h.checkpoint(upTo, k)));
	}

	/**
	 * Check that everything {@code checkpoint} covers is as it was:
	 * {@link CorruptException} when anything covered changed or, with
	 * {@code publicKey} (32 bytes), when it is unsigned or not signed by that key.
	 */
	public void verifyCheckpoint(Checkpoint checkpoint, byte[] publicKey) {
		required(checkpoint, "checkpoint");
		String pk = publicKey(publicKey);
		run(h -> h.verify_checkpoint(checkpoint.text(), pk));
	}

	/**
	 * Claim due cases for a sweep worker: at most {@code limit} whose next due
	 * instant is before {@code before}, earliest first, that no worker holds a
	 * lease on; each is leased to {@code worker} for {@code lease} (1 s to 1
	 * day, whole seconds). Workers claiming at once get disjoint cases.
	 */
	public List<Case> claimDue(Instant before, String worker, Duration lease, int limit) {
		long t = seconds(before, "before");
		int l = lease(lease);
		required(worker, "worker");
		positive(limit, "limit");
		return caseList(with(h -> h.claim_due(t, limit, l, worker)));
	}

	private static int lease(Duration lease) {
		required(lease, "lease");
		if (lease.getNano() != 0)
			throw new InvalidException("lease must be whole seconds");
		if (lease.getSeconds() < 1 || lease.getSeconds() > 86400)
			throw new InvalidException("lease must be from 1 second to 1 day, not " + lease.getSeconds() + " seconds");
		return (int) lease.getSeconds();
	}

	/**
	 * {@link #claimDue} as an iterator: claims {@code page} cases at a time, each
	 * page only when the previous one is used up, until no due case is left
	 * unclaimed. Each case comes once per iteration; the arguments are checked at once.
	 */
	public Iterable<Case> claims(Instant before, String worker, Duration lease, int page) {
		long t = seconds(before, "before");
		int l = lease(lease);
		required(worker, "worker");
		positive(page, "page");
		return () -> new Iterator<>() {
			private final Set<String> seen = new HashSet<>();
			private List<Case> fresh = new ArrayList<>();
			private int i;
			private boolean over;

			@Override
			public boolean hasNext() {
				int extra = 0;
				while (i == fresh.size() && !over) {
					int n = page + extra;
					List<Case> got = caseList(with(h -> h.claim_due(t, n, l, worker)));
					fresh = new ArrayList<>();
					i = 0;
					for (Case c : got)
						if (!seen.contains(c.id()))
							fresh.add(c);
					if (!fresh.isEmpty())
						break;
					if (got.size() < n)
						over = true;   // every due case is handled or held by someone
					else
						extra = seen.size();   // a page of cases handled already whose leases ran out
				}
				return i < fresh.size();
			}

			@Override
			public Case next() {
				if (!hasNext())
					throw new NoSuchElementException();
				Case c = fresh.get(i++);
				seen.add(c.id());
				return c;
			}
		};
	}

	/**
	 * Every open deadline due in [from, to), earliest first, with who would be
	 * charged if it were missed; person and property may be null (everyone,
	 * everywhere). {@code overdue} is judged against the clock.
	 */
	public List<Due> deadlines(Instant from, Instant to, String person, String property) {
		return deadlines(from, to, person, property, null);
	}

	/** {@link #deadlines(Instant, Instant, String, String)} with {@code overdue} judged against {@code asOf} (null: the clock). */
	public List<Due> deadlines(Instant from, Instant to, String person, String property, Instant asOf) {
		return due(from, to, person, property, false, asOf);
	}

	/** The reminders due in [from, to) (the policy's remind leads, moved into duty hours): rows with remindAt set. */
	public List<Due> reminders(Instant from, Instant to, String person, String property, Instant asOf) {
		return due(from, to, person, property, true, asOf);
	}

	private List<Due> due(Instant from, Instant to, String person, String property, boolean reminders, Instant asOf) {
		long f = seconds(from, "from"), t = seconds(to, "to");
		long now = asOf == null ? Instant.now().getEpochSecond() : asOf.getEpochSecond();
		JsonObject doc = Docs.object(with(h -> h.deadlines(f, t, person, property, reminders, now)));
		return Docs.list(doc, reminders ? "reminders" : "deadlines", Due.class);
	}

	/**
	 * The events committed after {@code cursor} (null: from the first), every
	 * stream in seq order, read {@code limit} at a time. With {@code wait} the
	 * iterator keeps waiting for the next commit, like tail -f; without it, it
	 * ends once it has caught up. Store each event's cursor once it is handled.
	 */
	public Iterable<FeedEvent> follow(String cursor, int limit, boolean wait) {
		return Feed.follow(this, cursor, limit, wait);
	}

	/** The notifications after {@code cursor} (null: from the first) up to {@code until}, read {@code limit} at a time. */
	public Iterable<Notification> notifications(String cursor, Instant until, int limit) {
		return Feed.notifications(this, cursor, until, limit);
	}

	/** Re-wrap every data key under {@code key} (32 bytes) with id {@code keyId}; the old key stops working. */
	public void rotateKey(byte[] key, String keyId) {
		if (key == null || key.length != 32)
			throw new InvalidException("the new key must be 32 bytes");
		required(keyId, "keyId");
		String k = hex(key);
		run(h -> h.rotate_key(k, keyId));
	}

	/** Encrypt the personal data of cases registered before encryption; returns how many cases. */
	public long encryptExisting() {
		return with(Handle::encrypt_existing);
	}

	/** How the database keeps personal data: mode, key_id, key_given, clear_events, clear_cases. */
	public JsonObject encryption() {
		return Docs.object(with(Handle::encryption));
	}

	/**
	 * The policy the database records (share/doc/hotline/policy-record.md) and the one
	 * this handle reads under: {"recorded": {"name", "digest"} or null,
	 * "in_use": {"name", "digest"}, "what_if", "history"?}. Opened without a policy, a
	 * handle computes with the recorded one; opened with another, it only reads (a
	 * what-if) and every command throws {@link PolicyException}.
	 */
	public JsonObject policyRecord() {
		return Docs.object(with(Handle::policy_json));
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
		JsonObject line = Docs.object(Hotline.loaded().policy_line(policy));
		if (actor != null)
			line.addProperty("actor", actor);
		line.addProperty("at", at.toString());
		return exec(line);
	}

	/** The working-day calendar the database computes with (share/doc/hotline/calendar.md). */
	public Calendar calendar() {
		return Calendar.parse(with(Handle::calendar));
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
		JsonObject line = Docs.object(Hotline.loaded().calendar_line(year, format, data, null));
		if (actor != null)
			line.addProperty("actor", actor);
		if (at != null)
			line.addProperty("at", at.toString());
		return exec(line);
	}
}
