# Install the build into a scratch prefix, build examples/ against it with
# find_package(hotline CONFIG) and with pkg-config, and run the results.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix
	RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "install failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC}/examples -B ${WORK}/build
	-DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release
	"-DCMAKE_C_FLAGS=${FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}"
	RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "configuring examples against the installed package failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "building examples against the installed package failed:\n${out}\n${err}")
endif()
foreach(exe hotline hotline-static)
	execute_process(COMMAND ${WORK}/build/${exe} replay ${SRC}/tests/scenarios/design-example.jsonl
		RESULT_VARIABLE rc OUTPUT_VARIABLE out)
	if(NOT rc EQUAL 0 OR NOT out MATCHES "\"closed\"")
		message(FATAL_ERROR "${exe} built against the install did not replay the example: ${rc}\n${out}")
	endif()
endforeach()
# pkg-config: compile and link a program with the flags hotline.pc gives.
set(ENV{PKG_CONFIG_PATH} "${WORK}/prefix/lib/pkgconfig:${WORK}/prefix/lib/x86_64-linux-gnu/pkgconfig")
execute_process(COMMAND pkg-config --cflags --libs hotline OUTPUT_VARIABLE flags RESULT_VARIABLE rc
	OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "pkg-config does not find hotline")
endif()
separate_arguments(flags UNIX_COMMAND "${FLAGS} ${flags}")
execute_process(COMMAND ${CC} -o ${WORK}/pc-hotline ${SRC}/examples/hotline.c ${flags}
	RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "building with pkg-config flags failed: ${err}")
endif()
get_filename_component(libdir "${WORK}/prefix/lib" ABSOLUTE)
file(GLOB libdirs "${WORK}/prefix/lib*" "${WORK}/prefix/lib/*-linux-gnu")
string(REPLACE ";" ":" ldpath "${libdirs}")
set(ENV{LD_LIBRARY_PATH} "${ldpath}")
execute_process(COMMAND ${WORK}/pc-hotline --version RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "hotline 0\\.")
	message(FATAL_ERROR "the pkg-config build does not run: ${out}")
endif()
# The Python package went into the prefix too, and imports from there.
file(GLOB_RECURSE pyinit "${WORK}/prefix/*__init__.py")
list(FILTER pyinit INCLUDE REGEX "/hotline/__init__.py$")
if(PY AND pyinit)
	list(GET pyinit 0 first)
	get_filename_component(pkgdir "${first}" DIRECTORY)
	get_filename_component(sitedir "${pkgdir}" DIRECTORY)
	set(ENV{PYTHONPATH} "${sitedir}")
	execute_process(COMMAND ${PY} -c "import hotline,sys; d=hotline.replay(sys.argv[1]); assert d['cases'][0]['state']=='closed'; print(hotline.__file__)"
		${SRC}/tests/scenarios/design-example.jsonl RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rc EQUAL 0 OR NOT out MATCHES "^${WORK}")
		message(FATAL_ERROR "the installed Python package does not work: ${out}${err}")
	endif()
elseif(PY)
	message(FATAL_ERROR "cmake --install did not install the Python package under the prefix")
endif()
