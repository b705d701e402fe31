# Moving chains between servers talks to PostgreSQL through libpq (the journal area found
# it, and links it publicly); without it move_chain says the backend is not compiled in.
if(JICENG_HAVE_POSTGRESQL)
  target_compile_definitions(${target} PRIVATE JICENG_HAVE_LIBPQ=1)
endif()
