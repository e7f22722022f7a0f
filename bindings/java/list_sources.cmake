# Writes the .java files SWIG generated under DIR into OUT, one quoted path a line (a javac @file).
file(GLOB_RECURSE files ${DIR}/*.java)
list(SORT files)
set(text "")
foreach(f IN LISTS files)
	string(APPEND text "\"${f}\"\n")
endforeach()
file(WRITE ${OUT} "${text}")
