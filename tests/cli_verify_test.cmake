# hotline verify-log: when a check fails, stdout says so first (never an "ok" alone), and the exit is 1.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/k1.key "k1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n")
execute_process(COMMAND ${CLI} replay --db sqlite:${WORK}/full.db --key-file ${WORK}/k1.key
	${SRC}/tests/scenarios/design-example.jsonl OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "replay failed (${rc})")
endif()
execute_process(COMMAND ${CLI} checkpoint --db sqlite:${WORK}/full.db OUTPUT_FILE ${WORK}/ckpt.txt RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "checkpoint failed (${rc})")
endif()
# the same log with every chain intact
execute_process(COMMAND ${CLI} verify-log --db sqlite:${WORK}/full.db --checkpoint ${WORK}/ckpt.txt
	OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^ok: [0-9]+ events, every hash chain intact" OR out MATCHES "FAILED")
	message(FATAL_ERROR "verify-log of an intact log: ${rc}\n${out}${err}")
endif()
# another, shorter log: its chains hold, the checkpoint does not
file(WRITE ${WORK}/short.jsonl "{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"z\",\"roles\":[\"hotline_specialist\"]}\n")
execute_process(COMMAND ${CLI} replay --db sqlite:${WORK}/short.db ${WORK}/short.jsonl OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "replay of the shorter log failed (${rc})")
endif()
execute_process(COMMAND ${CLI} verify-log --db sqlite:${WORK}/short.db --checkpoint ${WORK}/ckpt.txt
	OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(rc EQUAL 0 OR NOT out MATCHES "^FAILED: the log does not hold what the checkpoint covers" OR
	NOT err MATCHES "events were deleted")
	message(FATAL_ERROR "verify-log against a checkpoint the log does not hold must say FAILED first on stdout and "
		"exit 1: ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
