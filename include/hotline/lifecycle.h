/**
 * @file
 * libhotline — the complaint lifecycle: states, commands, roles.
 *
 * The transitions themselves are one table inside the library;
 * hotline_lifecycle_json() exposes it read-only so that documentation and
 * bindings are generated from the same data. The installed pages
 * share/doc/hotline/lifecycle.md (states, transitions, roles) and
 * share/doc/hotline/commands.md (every command's keys) are generated from it.
 */
#ifndef HOTLINE_LIFECYCLE_H
#define HOTLINE_LIFECYCLE_H

#include "common.h"

HOTLINE_BEGIN_DECL

/** Case states (share/doc/hotline/lifecycle.md). Values are stored: never renumber. */
typedef enum hotline_state {
	HOTLINE_STATE_RECEIVED = 0,        /**< 受理 */
	HOTLINE_STATE_DISPATCHED = 1,      /**< 已派单/处理中 */
	HOTLINE_STATE_HANDLED = 2,         /**< 处理完成 */
	HOTLINE_STATE_REVISITED = 3,       /**< 回访 */
	HOTLINE_STATE_VERIFIED = 4,        /**< 已验证 (Art. 15) */
	HOTLINE_STATE_CLOSED = 5,          /**< 结案 */
	HOTLINE_STATE_ESCALATED = 6,       /**< 上报 (Art. 17) */
	HOTLINE_STATE_STAGE_CLOSED = 7,    /**< 阶段性结案 (Art. 18) */
	HOTLINE_STATE_MALICIOUS_EXEMPT = 8 /**< 恶意投诉免责 (Art. 19) */
} hotline_state;
/** Number of case states (one more than the highest hotline_state). */
#define HOTLINE_STATE_COUNT 9

/** Approval status of ESCALATED, STAGE_CLOSED and MALICIOUS_EXEMPT. */
typedef enum hotline_approval {
	HOTLINE_APPROVAL_NONE = 0, /**< no request open (every state but the three request states) */
	HOTLINE_APPROVAL_PENDING = 1, /**< a request waits for approval */
	HOTLINE_APPROVAL_APPROVED = 2 /**< the request was approved */
} hotline_approval;

/** Commands (JSON `cmd` names: share/doc/hotline/commands.md). Values are stable. */
typedef enum hotline_command_kind {
	HOTLINE_CMD_REGISTER = 0, /**< `register` */
	HOTLINE_CMD_CORRECT_RECORD, /**< `correct_record` */
	HOTLINE_CMD_DISPATCH, /**< `dispatch` */
	HOTLINE_CMD_DECIDE_MEASURES, /**< `decide_measures` */
	HOTLINE_CMD_ONSITE_VISIT, /**< `onsite_visit` */
	HOTLINE_CMD_SUBMIT_VISIT_FORM, /**< `submit_visit_form` */
	HOTLINE_CMD_REPORT_PROGRESS, /**< `report_progress` */
	HOTLINE_CMD_COMPLETE, /**< `complete` */
	HOTLINE_CMD_FOLLOWUP, /**< `followup` */
	HOTLINE_CMD_SUPERVISOR_CHECK, /**< `supervisor_check` */
	HOTLINE_CMD_VERIFY, /**< `verify` */
	HOTLINE_CMD_CLOSE, /**< `close` */
	HOTLINE_CMD_REQUEST_ESCALATION, /**< `request_escalation` */
	HOTLINE_CMD_REQUEST_STAGE_CLOSE, /**< `request_stage_close` */
	HOTLINE_CMD_REPORT_MALICIOUS, /**< `report_malicious` */
	HOTLINE_CMD_APPROVE, /**< `approve` */
	HOTLINE_CMD_REJECT, /**< `reject` */
	HOTLINE_CMD_REPEAT_COMPLAINT, /**< `repeat_complaint` */
	HOTLINE_CMD_REPLY, /**< `reply` */
	HOTLINE_CMD_RECORD_FINDING, /**< `record_finding` */
	/* organisation-level events (no case) */
	HOTLINE_CMD_CALL, /**< `call` */
	HOTLINE_CMD_MONTHLY_SUMMARY, /**< `monthly_summary` */
	HOTLINE_CMD_QUARTERLY_MEETING, /**< `quarterly_meeting` */
	HOTLINE_CMD_QUARTERLY_REPORT, /**< `quarterly_report` */
	/* directory */
	HOTLINE_CMD_PERSON, /**< `person` */
	HOTLINE_CMD_PROPERTY, /**< `property` */
	HOTLINE_CMD_BONUS, /**< `bonus` */
	/* owners' personal data (share/doc/hotline/privacy.md) */
	HOTLINE_CMD_FORGET,              /**< `forget`: erase a case's personal data (its data key) */
	HOTLINE_CMD_ENCRYPT_RECORD,      /**< `encrypt_record`: recorded by hotline_db_encrypt_existing only */
	/* the rules in force (share/doc/hotline/calendar.md) */
	HOTLINE_CMD_CALENDAR,            /**< `calendar`: a year's holidays and make-up working days, adopted by an administrator */
	HOTLINE_CMD_POLICY               /**< `policy`: the database's policy from `at` on, changed by an administrator */
} hotline_command_kind;
/** Number of commands (one more than the highest hotline_command_kind). */
#define HOTLINE_CMD_COUNT 31

/** Roles (bit values, combinable). */
typedef enum hotline_role {
	HOTLINE_ROLE_HOTLINE_SPECIALIST = 1 << 0, /**< `hotline_specialist` */
	HOTLINE_ROLE_PROPERTY_MANAGER = 1 << 1, /**< `property_manager`: a property's manager (named on the property) */
	HOTLINE_ROLE_DEPARTMENT_HEAD = 1 << 2, /**< `department_head`: a department head (named on the property) */
	HOTLINE_ROLE_QUALITY_SUPERVISOR = 1 << 3, /**< `quality_supervisor` (named on the property) */
	HOTLINE_ROLE_GROUP_HEAD = 1 << 4, /**< `group_head`: closes cases, approves or rejects requests */
	HOTLINE_ROLE_QA_DIRECTOR = 1 << 5, /**< `qa_director` */
	HOTLINE_ROLE_SALES_DIRECTOR = 1 << 6, /**< `sales_director` */
	HOTLINE_ROLE_DIRECTOR_ASSISTANT = 1 << 7, /**< `director_assistant` */
	HOTLINE_ROLE_ADMINISTRATOR = 1 << 8     /**< keeps the directory (once one is defined, only they may change it) */
} hotline_role;
/** Number of roles (bits of hotline_role). */
#define HOTLINE_ROLE_COUNT 9

/** JSON name of a state ("received"...), NULL if out of range. */
HOTLINE_EXTERN(const char *) hotline_state_name(int state);
/** State from its JSON name; HOTLINE_EINVALID if unknown. */
HOTLINE_EXTERN(int) hotline_state_from_name(int *out, const char *name);
/** "none", "pending", "approved"; NULL if out of range. */
HOTLINE_EXTERN(const char *) hotline_approval_name(int approval);
/** Approval status from its JSON name; HOTLINE_EINVALID if unknown. */
HOTLINE_EXTERN(int) hotline_approval_from_name(int *out, const char *name);
/** JSON name of a command ("register"...), NULL if out of range. */
HOTLINE_EXTERN(const char *) hotline_command_name(int kind);
/** Command from its JSON name; HOTLINE_EINVALID if unknown. */
HOTLINE_EXTERN(int) hotline_command_from_name(int *out, const char *name);
/** JSON name of one role bit ("hotline_specialist"...), NULL if not a single known bit. */
HOTLINE_EXTERN(const char *) hotline_role_name(int role);
/** Role bit from its JSON name; HOTLINE_EINVALID if unknown. */
HOTLINE_EXTERN(int) hotline_role_from_name(int *out, const char *name);

/**
 * The lifecycle table as JSON (an array of rows: cmd, on, from, to,
 * approval, roles, scoped_roles, ...; every key: share/doc/hotline/documents.md),
 * generated from the one table the library runs on. The caller frees *out
 * with hotline_free().
 */
HOTLINE_EXTERN(int) hotline_lifecycle_json(char **out);

HOTLINE_END_DECL

#endif
