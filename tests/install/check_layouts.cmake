# The package as a distribution lays it out: configured for /usr (Debian's
# multiarch libdir, lib/x86_64-linux-gnu: a second build of the library) and
# for /opt/hotline (plain lib: this build, installed with --prefix), each under
# DESTDIR; then a consumer is built against each, with pkg-config and with the
# CMake package, linked shared and static, and run.
# Arguments: BUILD, SRC, WORK, CC, FLAGS, GENERATOR.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK})

function(check_run what exe)
	execute_process(COMMAND ${exe} replay ${SRC}/tests/scenarios/design-example.jsonl
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rc EQUAL 0 OR NOT out MATCHES "\"closed\"")
		message(FATAL_ERROR "${what}: the consumer did not replay the example (${rc}):\n${out}${err}")
	endif()
endfunction()

# A static consumer must not need libhotline.so at run time.
function(check_static what exe)
	execute_process(COMMAND readelf -d ${exe} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
	if(NOT rc EQUAL 0 OR dyn MATCHES "libhotline\\.so")
		message(FATAL_ERROR "${what}: the static consumer still needs libhotline.so:\n${dyn}")
	endif()
endfunction()

foreach(layout usr opt)
	if(layout STREQUAL "usr")
		set(prefix /usr)
	else()
		set(prefix /opt/hotline)
	endif()
	set(dir ${WORK}/${layout})
	set(root ${dir}/root)
	set(build ${BUILD})
	set(install_args)
	if(layout STREQUAL "usr")
		set(build ${dir}/build)
		execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${build} -G ${GENERATOR}
			-DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS=${FLAGS}"
			"-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}" "-DCMAKE_SHARED_LINKER_FLAGS=${FLAGS}"
			-DCMAKE_INSTALL_PREFIX=${prefix} -DHOTLINE_BUILD_TESTS=OFF -DHOTLINE_BUILD_PYTHON=OFF
			-DHOTLINE_BUILD_JAVA=OFF -DHOTLINE_BUILD_BENCH=OFF
			RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
		if(NOT rc EQUAL 0)
			message(FATAL_ERROR "${layout}: configuring failed:\n${out}\n${err}")
		endif()
		execute_process(COMMAND ${CMAKE_COMMAND} --build ${build} -j 2 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
		if(NOT rc EQUAL 0)
			message(FATAL_ERROR "${layout}: building failed:\n${out}\n${err}")
		endif()
	else()
		set(install_args --prefix ${prefix})
	endif()
	set(ENV{DESTDIR} ${root})
	execute_process(COMMAND ${CMAKE_COMMAND} --install ${build} ${install_args} RESULT_VARIABLE rc OUTPUT_QUIET)
	unset(ENV{DESTDIR})
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${layout}: install failed")
	endif()
	file(GLOB_RECURSE pc "${root}/hotline.pc")
	if(NOT pc)
		message(FATAL_ERROR "${layout}: no hotline.pc installed")
	endif()
	get_filename_component(pcdir "${pc}" DIRECTORY)
	get_filename_component(libdir "${pcdir}" DIRECTORY)
	if(layout STREQUAL "usr" AND NOT libdir MATCHES "/usr/lib/[a-z0-9_]+-linux-gnu[a-z0-9_]*$")
		message(FATAL_ERROR "usr: expected Debian's multiarch libdir, got ${libdir}")
	endif()
	set(ENV{PKG_CONFIG_PATH} "${pcdir}")
	# The variables resolve to where the files are, whatever the depth of libdir.
	foreach(var libdir includedir)
		execute_process(COMMAND pkg-config --variable=${var} hotline OUTPUT_VARIABLE got
			OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
		get_filename_component(got "${got}" ABSOLUTE)
		if(var STREQUAL "libdir")
			set(want "${libdir}")
		else()
			set(want "${root}${prefix}/include")
		endif()
		if(NOT rc EQUAL 0 OR NOT got STREQUAL want)
			message(FATAL_ERROR "${layout}: hotline.pc's ${var} is ${got}, the files are in ${want}")
		endif()
	endforeach()
	# No dependency's include path leaks into consumers (public headers include none).
	execute_process(COMMAND pkg-config --cflags hotline OUTPUT_VARIABLE cflags OUTPUT_STRIP_TRAILING_WHITESPACE)
	if(cflags MATCHES "postgresql|uuid")
		message(FATAL_ERROR "${layout}: hotline.pc's Cflags carry a dependency's include path: ${cflags}")
	endif()

	# pkg-config, shared and static (the archive by name: both flavours share libdir).
	foreach(link shared static)
		if(link STREQUAL "shared")
			execute_process(COMMAND pkg-config --cflags --libs hotline jansson OUTPUT_VARIABLE flags
				OUTPUT_STRIP_TRAILING_WHITESPACE)
		else()
			execute_process(COMMAND pkg-config --static --cflags --libs hotline jansson OUTPUT_VARIABLE flags
				OUTPUT_STRIP_TRAILING_WHITESPACE)
			string(REPLACE "-lhotline" "-l:libhotline.a" flags "${flags}")
		endif()
		separate_arguments(flags UNIX_COMMAND "${FLAGS} ${flags}")
		set(exe ${dir}/pc-${link})
		execute_process(COMMAND ${CC} -o ${exe} ${SRC}/tools/hotline/hotline.c ${SRC}/tools/hotline/report_html.c ${SRC}/tools/hotline/statement.c ${flags}
			-Wl,-rpath,${libdir} RESULT_VARIABLE rc ERROR_VARIABLE err)
		if(NOT rc EQUAL 0)
			message(FATAL_ERROR "${layout}: linking ${link} with pkg-config's flags failed: ${err}")
		endif()
		check_run("${layout} pkg-config ${link}" ${exe})
		if(link STREQUAL "static")
			check_static("${layout} pkg-config" ${exe})
		endif()
	endforeach()

	# The CMake package: examples/ builds the tool against hotline::hotline and hotline::hotline_static.
	execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC}/examples -B ${dir}/consumer -G ${GENERATOR}
		-DCMAKE_PREFIX_PATH=${root}${prefix} -DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release
		"-DCMAKE_C_FLAGS=${FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}" "-DCMAKE_BUILD_RPATH=${libdir}"
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${layout}: configuring examples against the CMake package failed:\n${out}\n${err}")
	endif()
	execute_process(COMMAND ${CMAKE_COMMAND} --build ${dir}/consumer --target hotline hotline-static
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${layout}: building examples against the CMake package failed:\n${out}\n${err}")
	endif()
	check_run("${layout} CMake shared" ${dir}/consumer/hotline)
	check_run("${layout} CMake static" ${dir}/consumer/hotline-static)
	check_static("${layout} CMake" ${dir}/consumer/hotline-static)
	message(STATUS "${layout} (${prefix}, libdir ${libdir}): pkg-config and CMake consumers, shared and static: ok")
endforeach()
