# Writes OUT: a C++ table of every migration file NNNN_name.sql of SQL_DIR,
# sorted, as {version, name, sql}. Run at build time by
# engine/store/CMakeLists.txt.
file(GLOB FILES ${SQL_DIR}/[0-9][0-9][0-9][0-9]_*.sql)
list(SORT FILES)
set(body "")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  string(SUBSTRING ${name} 0 4 version)
  math(EXPR version "${version}")  # strips leading zeros
  file(READ ${f} sql)
  string(APPEND body "  {${version}, \"${name}\", R\"scrm_sql(${sql})scrm_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from sql/ by embed_migrations.cmake: do not edit.\n#include \"store/migrator.h\"\n\nnamespace scrm::store {\n\nconst std::vector<Migration>& EmbeddedMigrations() {\n  static const std::vector<Migration> kMigrations = {\n${body}  };\n  return kMigrations;\n}\n\n}  // namespace scrm::store\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
