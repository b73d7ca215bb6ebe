package dev.lumen.app.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lumen.core.LumenException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The results store: registered models and studies, jobs and computed explanations, in any JDBC
 * database — SQLite by default (one file in the data folder), PostgreSQL by URL. The schema comes
 * from Flyway migrations ({@code db/migration}; {@code db/sqlite} and {@code db/postgresql} hold
 * the few a dialect must say), the same on both. Each call runs in its own connection and
 * transaction, so a row is either committed whole or absent.
 *
 * <pre>{@code
 * Store store = Store.open("jdbc:sqlite:lumen-data/lumen.db");
 * store.putModel(new ModelRow("3f2a...", "chest-demo.onnx", path, sha256, now));
 * }</pre>
 */
public final class Store implements AutoCloseable {
  /** Connections kept open: enough for the API's concurrent reads; SQLite serialises the writes anyway. */
  private static final int CONNECTIONS = 8;

  private final HikariDataSource pool;

  private Store(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * SQLite in {@code folder}: {@code folder/lumen.db}, in write-ahead-log mode with normal
   * syncing — a commit survives the process being killed (what the server must survive) without
   * an fsync per statement, which cost about 20 ms each here — and readers that do not wait for
   * writers.
   */
  public static String sqliteUrl(Path folder) {
    return "jdbc:sqlite:" + folder.resolve("lumen.db") + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000";
  }

  /**
   * Opens the database at {@code url} through a pool of connections and brings its schema up to
   * date.
   *
   * @throws LumenException naming the URL (without credentials) when it cannot be reached or migrated
   */
  public static Store open(String url) {
    if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--db takes jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, got " + shown(url));
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(CONNECTIONS);
    config.setMinimumIdle(1);
    config.setPoolName("lumen-store");
    // fail at once on a server that is not there, rather than retrying in the background
    config.setInitializationFailTimeout(1);
    config.setConnectionTimeout(30_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new LumenException("database " + shown(url) + " cannot be opened: "
          + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""));
    }
    try {
      // portable migrations, and the few a database's own dialect must say (db/sqlite, db/postgresql)
      String dialect = url.startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql";
      Flyway.configure().dataSource(pool).locations("classpath:db/migration", "classpath:db/" + dialect).load()
          .migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new LumenException("database " + shown(url) + " cannot be opened or migrated: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    return new Store(pool);
  }

  /** {@code url} without its query (where passwords go), for messages. */
  private static String shown(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?...";
  }

  Connection connect() throws SQLException {
    return pool.getConnection();
  }

  /** Closes the pool's connections. Safe to call twice. */
  @Override
  public void close() {
    pool.close();
  }

  /** Adds or replaces a model. */
  public void putModel(ModelRow m) {
    update("DELETE FROM models WHERE id = ?", m.id());
    update("INSERT INTO models (id, name, path, sha256, registered_at) VALUES (?, ?, ?, ?, ?)", m.id(), m.name(),
        m.path(), m.sha256(), m.registeredAt());
  }

  /** Every model, oldest first. */
  public List<ModelRow> models() {
    return query("SELECT id, name, path, sha256, registered_at FROM models ORDER BY registered_at, id",
        r -> new ModelRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5)));
  }

  /** The model {@code id}. */
  public Optional<ModelRow> model(String id) {
    return query("SELECT id, name, path, sha256, registered_at FROM models WHERE id = ?",
        r -> new ModelRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5)), id)
        .stream().findFirst();
  }

  /** Adds a study unless one with its id (its content's hash) is there. */
  public void putStudy(StudyRow s) {
    if (study(s.id()).isEmpty()) {
      update("INSERT INTO studies (id, name, blob, kind, registered_at) VALUES (?, ?, ?, ?, ?)", s.id(), s.name(),
          s.blob(), s.kind(), s.registeredAt());
    }
  }

  /** Every study, oldest first. */
  public List<StudyRow> studies() {
    return query("SELECT id, name, blob, kind, registered_at FROM studies ORDER BY registered_at, id", Store::study);
  }

  /** The study {@code id}. */
  public Optional<StudyRow> study(String id) {
    return query("SELECT id, name, blob, kind, registered_at FROM studies WHERE id = ?", Store::study, id)
        .stream().findFirst();
  }

  private static StudyRow study(ResultSet r) throws SQLException {
    return new StudyRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5));
  }

  /** Adds a job row. */
  public void putJob(JobRow j) {
    update("INSERT INTO jobs (id, kind, request, state, error, result, created_at, started_at, finished_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", j.id(), j.kind(), j.request(), j.state().word(), j.error(), j.result(),
        j.createdAt(), j.startedAt(), j.finishedAt());
  }

  /** Rewrites the state, error, result and times of a job. */
  public void updateJob(JobRow j) {
    update("UPDATE jobs SET state = ?, error = ?, result = ?, started_at = ?, finished_at = ? WHERE id = ?",
        j.state().word(), j.error(), j.result(), j.startedAt(), j.finishedAt(), j.id());
  }

  /** Every job, newest first. */
  public List<JobRow> jobs() {
    return query("SELECT id, kind, request, state, error, result, created_at, started_at, finished_at FROM jobs "
        + "ORDER BY created_at DESC, id", Store::job);
  }

  /** The job {@code id}. */
  public Optional<JobRow> job(String id) {
    return query("SELECT id, kind, request, state, error, result, created_at, started_at, finished_at FROM jobs "
        + "WHERE id = ?", Store::job, id).stream().findFirst();
  }

  /** The jobs in {@code state}, oldest first. */
  public List<JobRow> jobs(JobState state) {
    return query("SELECT id, kind, request, state, error, result, created_at, started_at, finished_at FROM jobs "
        + "WHERE state = ? ORDER BY created_at, id", Store::job, state.word());
  }

  private static JobRow job(ResultSet r) throws SQLException {
    return new JobRow(r.getString(1), r.getString(2), r.getString(3), JobState.of(r.getString(4)), r.getString(5),
        r.getString(6), r.getLong(7), r.getObject(8) == null ? null : r.getLong(8),
        r.getObject(9) == null ? null : r.getLong(9));
  }

  /** Adds an explanation; one already stored under its key is kept (it is the same). */
  public void putExplanation(ExplanationRow e) {
    if (explanation(e.cacheKey()).isEmpty()) {
      update("INSERT INTO explanations (cache_key, model_id, study_id, method, layer, settings, target_label, "
          + "target_index, score, raw_blob, map_blob, overlay_blob, created_at, details_blob) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          e.cacheKey(), e.modelId(), e.studyId(), e.method(), e.layer(), e.settings(), e.targetLabel(), e.targetIndex(),
          e.score(), e.rawBlob(), e.mapBlob(), e.overlayBlob(), e.createdAt(), e.detailsBlob());
    }
  }

  /** Records the overlay rendered for explanation {@code cacheKey} when it was first fetched. */
  public void setOverlay(String cacheKey, String overlayBlob) {
    update("UPDATE explanations SET overlay_blob = ? WHERE cache_key = ?", overlayBlob, cacheKey);
  }

  private static final String EXPLANATION_COLUMNS = "cache_key, model_id, study_id, method, layer, settings, "
      + "target_label, target_index, score, raw_blob, map_blob, overlay_blob, created_at, details_blob";

  /** The explanation stored under {@code cacheKey}. */
  public Optional<ExplanationRow> explanation(String cacheKey) {
    return query("SELECT " + EXPLANATION_COLUMNS + " FROM explanations WHERE cache_key = ?", Store::explanation,
        cacheKey).stream().findFirst();
  }

  /** Every explanation of study {@code studyId}, oldest first. */
  public List<ExplanationRow> explanationsOf(String studyId) {
    return query("SELECT " + EXPLANATION_COLUMNS + " FROM explanations WHERE study_id = ? ORDER BY created_at, "
        + "cache_key", Store::explanation, studyId);
  }

  private static ExplanationRow explanation(ResultSet r) throws SQLException {
    return new ExplanationRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getString(6), r.getString(7), r.getInt(8), r.getDouble(9), r.getString(10), r.getString(11),
        r.getString(12), r.getLong(13), r.getString(14));
  }

  /** Adds a dataset unless one with its id is there. */
  public void putDataset(DatasetRow d) {
    if (dataset(d.id()).isEmpty()) {
      update("INSERT INTO datasets (id, name, kind, path, registered_at) VALUES (?, ?, ?, ?, ?)", d.id(), d.name(),
          d.kind(), d.path(), d.registeredAt());
    }
  }

  /** Every dataset, oldest first. */
  public List<DatasetRow> datasets() {
    return query("SELECT id, name, kind, path, registered_at FROM datasets ORDER BY registered_at, id", Store::dataset);
  }

  /** The dataset {@code id}. */
  public Optional<DatasetRow> dataset(String id) {
    return query("SELECT id, name, kind, path, registered_at FROM datasets WHERE id = ?", Store::dataset, id).stream()
        .findFirst();
  }

  private static DatasetRow dataset(ResultSet r) throws SQLException {
    return new DatasetRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5));
  }

  /** Adds an evaluation. */
  public void putEvaluation(EvaluationRow e) {
    update("INSERT INTO evaluations (id, dataset_id, models, request, report_blob, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        e.id(), e.datasetId(), e.models(), e.request(), e.reportBlob(), e.createdAt());
  }

  /** The evaluations of dataset {@code datasetId} (every dataset's when null), newest first. */
  public List<EvaluationRow> evaluations(String datasetId) {
    String columns = "SELECT id, dataset_id, models, request, report_blob, created_at FROM evaluations ";
    return datasetId == null ? query(columns + "ORDER BY created_at DESC, id", Store::evaluation)
        : query(columns + "WHERE dataset_id = ? ORDER BY created_at DESC, id", Store::evaluation, datasetId);
  }

  /** The evaluation {@code id}. */
  public Optional<EvaluationRow> evaluation(String id) {
    return query("SELECT id, dataset_id, models, request, report_blob, created_at FROM evaluations WHERE id = ?",
        Store::evaluation, id).stream().findFirst();
  }

  private static EvaluationRow evaluation(ResultSet r) throws SQLException {
    return new EvaluationRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getLong(6));
  }

  private static final String ANNOTATION_COLUMNS = "id, version, study_id, slice, label, shape, geometry, note, author, "
      + "created_at, deleted";

  /**
   * Adds a version of an annotation unless that version of it is already stored.
   *
   * @return false when another writer stored this version first
   */
  public boolean addAnnotation(AnnotationRow a) {
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement("INSERT INTO annotations ("
        + ANNOTATION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bind(st, new Object[] {a.id(), a.version(), a.studyId(), a.slice(), a.label(), a.shape(), a.geometry(), a.note(),
          a.author(), a.createdAt(), a.deleted() ? 1 : 0});
      st.executeUpdate();
      return true;
    } catch (SQLException e) {
      // SQLite's constraint code, or SQL's class 23: integrity constraint violation
      if (e.getErrorCode() == 19 || (e.getSQLState() != null && e.getSQLState().startsWith("23"))) {
        if (annotationVersions(a.id()).stream().anyMatch(v -> v.version() == a.version())) {
          return false;
        }
      }
      throw new StoreException("INSERT INTO annotations", e);
    }
  }

  /** Every version of annotation {@code id}, oldest first. */
  public List<AnnotationRow> annotationVersions(String id) {
    return query("SELECT " + ANNOTATION_COLUMNS + " FROM annotations WHERE id = ? ORDER BY version", Store::annotation,
        id);
  }

  /** The latest version of every annotation of study {@code studyId}, deleted ones included, oldest first. */
  public List<AnnotationRow> latestAnnotations(String studyId) {
    return query("SELECT " + ANNOTATION_COLUMNS + " FROM annotations a WHERE study_id = ? AND version = "
        + "(SELECT MAX(version) FROM annotations b WHERE b.id = a.id) ORDER BY created_at, id", Store::annotation,
        studyId);
  }

  /** The studies that have an annotation not deleted, oldest first. */
  public List<String> annotatedStudies() {
    return query("SELECT study_id FROM annotations a WHERE deleted = 0 AND version = "
        + "(SELECT MAX(version) FROM annotations b WHERE b.id = a.id) GROUP BY study_id ORDER BY MIN(created_at), "
        + "study_id", r -> r.getString(1));
  }

  private static AnnotationRow annotation(ResultSet r) throws SQLException {
    return new AnnotationRow(r.getString(1), r.getInt(2), r.getString(3), r.getInt(4), r.getString(5), r.getString(6),
        r.getString(7), r.getString(8), r.getString(9), r.getLong(10), r.getInt(11) != 0);
  }

  /** Every blob a row names: what a blob sweep must keep. */
  public List<String> blobsInUse() {
    List<String> out = new ArrayList<>(query("SELECT blob FROM studies", r -> r.getString(1)));
    out.addAll(query("SELECT raw_blob FROM explanations", r -> r.getString(1)));
    out.addAll(query("SELECT map_blob FROM explanations", r -> r.getString(1)));
    out.addAll(query("SELECT overlay_blob FROM explanations WHERE overlay_blob IS NOT NULL", r -> r.getString(1)));
    out.addAll(query("SELECT report_blob FROM evaluations", r -> r.getString(1)));
    out.addAll(detailsBlobs());
    return out;
  }

  /** The explanations' details blobs (LIME's), which name blobs of their own. */
  public List<String> detailsBlobs() {
    return query("SELECT details_blob FROM explanations WHERE details_blob IS NOT NULL", r -> r.getString(1));
  }

  /** Reads one row into a value. */
  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
      bind(st, args);
      try (ResultSet r = st.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (r.next()) {
          out.add(row.read(r));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    }
  }

  private void update(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
      bind(st, args);
      st.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    }
  }

  private static void bind(PreparedStatement st, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      st.setObject(i + 1, args[i]);
    }
  }
}
