# The tool in Chinese (docs/cli.md, "Output for people and for programs"): every table and
# sentence of the reading subcommands under --lang zh, on the demo month with a recorded 2027
# calendar and a policy change, holds no English word but ids, rule ids, policy names, digests
# and the data's own free text; the library's refusals read in Chinese with their ids kept.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(D sqlite:${WORK}/demo.db)
set(Y2027 ${SRC}/tests/data/cn-holidays-2027-TEST-ONLY.json)
execute_process(COMMAND ${CLI} replay --db ${D} --unencrypted ${SRC}/examples/demo-month.jsonl OUTPUT_QUIET RESULT_VARIABLE rc)
execute_process(COMMAND ${CLI} calendar adopt 2027 --file ${Y2027} --at 2026-12-07T09:00:00+08:00 --actor gaoyuan
	--db ${D} --lang zh OUTPUT_VARIABLE adopt RESULT_VARIABLE rc2)
execute_process(COMMAND ${CLI} policy set service-standard --at 2026-12-01T00:00:00+08:00 --actor gaoyuan
	--db ${D} --lang zh OUTPUT_VARIABLE pset RESULT_VARIABLE rc3)
if(NOT "${rc}${rc2}${rc3}" STREQUAL "000")
	message(FATAL_ERROR "setting up the demo month failed: ${rc}${rc2}${rc3} ${adopt} ${pset}")
endif()

# What may stay as it is: names' ids in parentheses, case ids, rule ids, policy names, digests,
# the test calendar's own source text, and the JSON line `encryption` prints for machines.
function(english_words out text)
	string(REGEX REPLACE "(\\(|（)[a-z0-9_]+(\\)|）)" "" t "${text}")
	string(REGEX REPLACE "\n{[^\n]*}\n" "\n" t "${t}")
	string(REGEX REPLACE "TEST DATA ONLY[^\n]*schedule" "" t "${t}")
	string(REGEX REPLACE "(gm-hotline|service-standard|sha256|hotline calendar adopt|--file FILE|FILE)" "" t "${t}")
	string(REGEX REPLACE "[RS][0-9]+[a-z]?" "" t "${t}")
	string(REGEX REPLACE "[0-9a-f]+…|[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+" "" t "${t}")
	string(REGEX MATCHALL "[A-Za-z][A-Za-z]+" words "${t}")
	set(${out} "${words}" PARENT_SCOPE)
endfunction()

foreach(cmd "calendar" "policy" "verify-log" "encryption" "history;2026-11-0001" "history;2026-11-0170"
		"cases;--registered-from;2026-11-10;--registered-to;2026-11-11" "sweep;--before;2026-11-20"
		"due;--from;2026-11-20;--to;2026-11-27;--as-of;2026-11-27" "due;--from;2026-11-20;--hours;48;--reminders"
		"show;2026-11-0170" "explain;2026-11-0170;--as-of;2026-11-27" "statement;--person;wangwei;--month;2026-11")
	execute_process(COMMAND ${CLI} ${cmd} --db ${D} --lang zh OUTPUT_VARIABLE o ERROR_VARIABLE e RESULT_VARIABLE rc)
	english_words(words "${o}${e}")
	if(NOT rc EQUAL 0 OR words)
		message(FATAL_ERROR "hotline ${cmd} --lang zh: English words ${words} in:\n${o}${e}")
	endif()
endforeach()
english_words(words "${adopt}${pset}")
if(words OR NOT adopt MATCHES "序号" OR NOT pset MATCHES "自 2026-12-01 00:00 起执行")
	message(FATAL_ERROR "calendar adopt / policy set in Chinese, local times: ${adopt}${pset}")
endif()

# the calendar and the policy: who recorded what and when, names beside ids, local times
execute_process(COMMAND ${CLI} calendar --db ${D} --lang zh OUTPUT_VARIABLE o ERROR_QUIET)
if(NOT o MATCHES "\n2024 +内置（所有数据库） +基础数据 +— +28 +8 " OR NOT o MATCHES "\n2027 +TEST[^\n]+ +2026-12-07 09:00 +高远 \\(gaoyuan\\) +31 +6 ")
	message(FATAL_ERROR "calendar --lang zh: ${o}")
endif()
execute_process(COMMAND ${CLI} policy --db ${D} --lang zh OUTPUT_VARIABLE o ERROR_QUIET)
if(NOT o MATCHES "\n  2026-12-01 00:00 +service-standard +高远 \\(gaoyuan\\) +sha256 [0-9a-f]+" OR o MATCHES "T00:00:00")
	message(FATAL_ERROR "policy --lang zh: the history with local times and names: ${o}")
endif()
execute_process(COMMAND ${CLI} policy --db ${D} --lang en OUTPUT_VARIABLE o ERROR_QUIET)
if(NOT o MATCHES "\n  from +policy +by +digest\n" OR NOT o MATCHES "\n  2026-12-01 00:00 +service-standard +高远 \\(gaoyuan\\)")
	message(FATAL_ERROR "policy --lang en: the history table: ${o}")
endif()
execute_process(COMMAND ${CLI} directory --db ${D} --lang zh OUTPUT_VARIABLE o ERROR_QUIET)
if(NOT o MATCHES "^人员 \\([0-9]+\\)\n编号 +姓名 +角色" OR o MATCHES "\nid ")
	message(FATAL_ERROR "directory --lang zh: ${o}")
endif()

# plural forms through the catalogue: one and many in English, the one Chinese form
execute_process(COMMAND ${CLI} cases --db ${D} --registered-from 2026-11-10T14:00:00+08:00
	--registered-to 2026-11-10T14:01:00+08:00 --lang en OUTPUT_VARIABLE one)
execute_process(COMMAND ${CLI} cases --db ${D} --registered-from 2026-11-10T14:00:00+08:00
	--registered-to 2026-11-10T14:01:00+08:00 --lang zh OUTPUT_VARIABLE yi)
execute_process(COMMAND ${CLI} verify-log --db ${D} --lang zh OUTPUT_VARIABLE v ERROR_QUIET)
if(NOT one MATCHES "\n1 case\n$" OR NOT yi MATCHES "\n共 1 件\n$" OR NOT v MATCHES "^通过：[0-9]+ 个事件")
	message(FATAL_ERROR "counts: ${one} ${yi} ${v}")
endif()
file(WRITE ${WORK}/refused.jsonl "{\"cmd\":\"dispatch\",\"case\":\"NOPE\",\"at\":\"2026-11-30T10:00:00+08:00\",\"actor\":\"zhangmin\",\"order_taker\":\"wangwei\"}\n")
execute_process(COMMAND ${CLI} replay --db ${D} --lang zh ${WORK}/refused.jsonl OUTPUT_QUIET ERROR_VARIABLE e)
execute_process(COMMAND ${CLI} replay --db ${D} --lang en ${WORK}/refused.jsonl OUTPUT_QUIET ERROR_VARIABLE e2)
if(NOT e MATCHES "hotline：1 行中有 1 行被拒绝：无效 ×1（列于输出的 \"refused\"）" OR NOT e2 MATCHES "hotline: 1 of 1 line refused: invalid ×1 \\(listed under \"refused\"\\)")
	message(FATAL_ERROR "replay's summary of refusals: ${e} ${e2}")
endif()

# The library's refusals in Chinese: the code's words and the detail, its ids kept; the library
# itself (and --lang en) keeps its English.
execute_process(COMMAND ${CLI} policy set gm-hotline --at 2026-12-05T00:00:00+08:00 --actor zhangmin --db ${D} --lang zh
	OUTPUT_QUIET ERROR_VARIABLE e RESULT_VARIABLE rc)
execute_process(COMMAND ${CLI} policy set gm-hotline --at 2026-12-05T00:00:00+08:00 --actor zhangmin --db ${D} --lang en
	OUTPUT_QUIET ERROR_VARIABLE e2 RESULT_VARIABLE rc2)
if(NOT rc EQUAL 1 OR NOT e STREQUAL "hotline：无权操作：制度：该行时点“zhangmin”不是管理员\n"
		OR NOT e2 STREQUAL "hotline: forbidden: policy: 'zhangmin' is not an administrator at the line's instant\n")
	message(FATAL_ERROR "a refused policy line in Chinese and in English: ${e} ${e2}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LANG=zh_CN.UTF-8 ${CLI} show 2026-11-R999 --db ${D}
	OUTPUT_QUIET ERROR_VARIABLE e RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT e STREQUAL "hotline：未找到：没有案件“2026-11-R999”\n")
	message(FATAL_ERROR "under a Chinese locale the library's detail is Chinese: ${e}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=HOTLINE_KEY_FILE ${CLI} replay --db sqlite:${WORK}/nokey.db --lang zh
	${SRC}/examples/demo-month.jsonl OUTPUT_QUIET ERROR_VARIABLE e RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT e MATCHES "demo-month.jsonl:[0-9]+: 登记：业主、电话和房号加密保存：请用密钥打开数据库后再写入.*（本次运行未保存任何内容）\n$")
	message(FATAL_ERROR "a replay stopped by a refusal, in Chinese: ${e}")
endif()
