# Every file of policies/ is a shipped policy: a .json file that the
# library loads (through the command-line tool) and whose "name" is the
# file's stem. Anything else there (a fuzzer input, a draft) fails, because
# the directory is installed as it is.
#   cmake -DCLI=hotline -DSRC=source-dir -P policies_load.cmake
file(GLOB files LIST_DIRECTORIES true "${SRC}/policies/*")
list(LENGTH files n)
if(n EQUAL 0)
	message(FATAL_ERROR "no policies in ${SRC}/policies")
endif()
set(bad "")
foreach(f ${files})
	get_filename_component(base "${f}" NAME)
	get_filename_component(stem "${f}" NAME_WLE)
	if(IS_DIRECTORY "${f}" OR NOT base MATCHES "^[a-z0-9-]+\\.json$")
		string(APPEND bad "\n  ${base}: not a policy file (lower-case-name.json)")
		continue()
	endif()
	execute_process(COMMAND ${CLI} replay --policy ${f} ${SRC}/tests/scenarios/design-example.jsonl
		OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
	if(NOT rc EQUAL 0)
		string(APPEND bad "\n  ${base}: does not load (${rc}): ${err}")
		continue()
	endif()
	string(JSON name ERROR_VARIABLE jerr GET "${out}" assessment policy)
	if(jerr OR NOT name STREQUAL stem)
		string(APPEND bad "\n  ${base}: loads as policy \"${name}\", expected \"${stem}\"")
		continue()
	endif()
	message(STATUS "${base}: loads as ${name}")
endforeach()
if(bad)
	message(FATAL_ERROR "policies/ holds files that are not shipped policies:${bad}")
endif()
