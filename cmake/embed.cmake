# Text files the binary carries (runtime C sources copied into generated bundles, board
# profiles, firmware sources): tinyops_embed(OUTPUT HEADER FUNCTION NAMESPACE BASE_DIR
# GLOB...) generates OUTPUT defining `const std::map<std::string, std::string_view>&
# NAMESPACE::FUNCTION()`, file name -> contents, declared in HEADER.
function(tinyops_embed output header function namespace base_dir)
  set(globs ${ARGN})
  set(deps)
  foreach(pattern IN LISTS globs)
    file(GLOB matched CONFIGURE_DEPENDS ${base_dir}/${pattern})
    list(APPEND deps ${matched})
  endforeach()
  string(REPLACE ";" "\\;" globs_arg "${globs}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DBASE_DIR=${base_dir} "-DGLOBS=${globs_arg}" -DHEADER=${header}
            -DFUNCTION=${function} -DNAMESPACE=${namespace} -DOUTPUT=${output}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${deps} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${function}")
endfunction()
