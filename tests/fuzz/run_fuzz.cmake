# Runs one libFuzzer target for a bounded time on a scratch copy of its
# committed corpus (the committed corpus never grows in CI). Findings go to
# WORK/<target>/ as crash-*, leak-*, timeout-* files.
#   cmake -DFUZZER=path -DNAME=command -DCORPUS=dir -DWORK=dir -DSECONDS=40 [-DMAX_LEN=n] [-DEXTRA=dir] [-DDICT=file]
#         -P run_fuzz.cmake
# EXTRA: a folder of further seeds, copied into the scratch corpus too. DICT: a libFuzzer dictionary.
foreach(v FUZZER NAME CORPUS WORK SECONDS)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "run_fuzz.cmake: ${v} is not set")
	endif()
endforeach()
set(dir ${WORK}/${NAME})
file(REMOVE_RECURSE ${dir})
file(MAKE_DIRECTORY ${dir}/corpus ${dir}/findings)
file(GLOB seeds ${CORPUS}/*)
if(EXTRA)
	file(GLOB extra ${EXTRA}/*)
	list(APPEND seeds ${extra})
endif()
file(COPY ${seeds} DESTINATION ${dir}/corpus)
set(args -max_total_time=${SECONDS} -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
	-artifact_prefix=${dir}/findings/)
if(DEFINED MAX_LEN)
	list(APPEND args -max_len=${MAX_LEN})
endif()
if(DICT)
	list(APPEND args -dict=${DICT})
endif()
execute_process(COMMAND ${FUZZER} ${args} ${dir}/corpus
	RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
file(WRITE ${dir}/log.txt "${out}")
# the last lines: libFuzzer's final statistics (executions, coverage)
string(REGEX MATCHALL "stat::[a-z_]+: *[0-9]+" stats "${out}")
string(REPLACE ";" "\n" stats "${stats}")
message("${NAME}: ${stats}")
if(NOT rc EQUAL 0)
	file(GLOB found ${dir}/findings/*)
	message(FATAL_ERROR "fuzz_${NAME} found a problem (exit ${rc}); reproducers: ${found}\n${out}")
endif()
