package org.libhotline;

import com.google.gson.annotations.SerializedName;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An open deadline someone must act on (or, from {@link Database#reminders},
 * a reminder of one with {@code remindAt} set): the case (null: an
 * organisation-level obligation), the rule, who would be charged if it were
 * missed ({@code liable}; null entries: a role nobody holds), and whether the
 * due instant is past ({@code overdue}, against the as-of instant or the clock).
 */
public record Due(@SerializedName("case") String caseId, String property, String rule, int article, Title title,
	OffsetDateTime startedAt, OffsetDateTime due, boolean overdue, List<String> liable, OffsetDateTime remindAt) {
}
