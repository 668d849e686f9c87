# tidings_embed_files(OUT_CC NAMESPACE FUNCTION FILES...)
#
# Generates OUT_CC defining
#   std::string_view NAMESPACE::FUNCTION(std::string_view file_name)
# that returns the bytes of the named file (base name only), or an empty view
# when no such file was embedded. Used to compile the lexicon files into the
# scorer so the binary runs without its source tree.
function(tidings_embed_files out_cc ns fn)
  set(inputs ${ARGN})
  add_custom_command(
    OUTPUT ${out_cc}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DNS=${ns} -DFN=${fn}
            "-DINPUTS=${inputs}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${fn} files"
    VERBATIM)
endfunction()
