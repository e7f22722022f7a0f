package org.libhotline;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The working-day calendar the database computes with (calendar.md): the
 * base years and the years its calendar lines record, by year; after
 * {@code last}, working days are Monday-Friday. {@code json} is the library's document.
 */
public record Calendar(List<Year> years, int first, int last, String json) {

	/** A year's data: where it comes from (null: a line without source), counts, digest, and the recording line's at and actor. */
	public record Year(int year, String source, boolean recorded, int holidays, int workdays, String digest,
		OffsetDateTime at, String actor) {
	}

	static Calendar parse(String text) {
		JsonObject raw = Docs.object(text);
		return new Calendar(Docs.list(raw, "years", Year.class), (int) Docs.number(raw, "first"),
			(int) Docs.number(raw, "last"), text);
	}
}
