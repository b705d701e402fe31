# Fails when DOC does not quote each of FILES (separated by |) verbatim, so a guide's
# example cannot drift from the files its test runs.
file(READ "${DOC}" doc)
string(REPLACE "|" ";" files "${FILES}")
foreach(f IN LISTS files)
  file(READ "${f}" text)
  string(FIND "${doc}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${DOC} does not quote ${f} as it is; copy the file into the guide again")
  endif()
endforeach()
