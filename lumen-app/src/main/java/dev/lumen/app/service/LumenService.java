package dev.lumen.app.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.ExplanationRow;
import dev.lumen.app.store.ModelRow;
import dev.lumen.app.store.Store;
import dev.lumen.app.store.StudyRow;
import dev.lumen.core.LumenException;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.LimeResult;
import dev.lumen.core.explain.lime.Segments;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.io.Hashes;
import dev.lumen.core.io.JsonErrors;
import dev.lumen.core.io.Nifti;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.render.Overlay;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service layer of {@code lumen serve}: registers models and studies, predicts, and explains
 * with any method, keeping every explanation in the store under the key of model, study,
 * method, layer, settings and target, so it is computed once. Loaded models are kept open and
 * shared; {@link #close()} releases them.
 *
 * <p>Files are read only below the allowed folders (the data folder and the ones the server is
 * given): a path leading elsewhere, also through {@code ..} or a symbolic link, is refused. The
 * first folder is the data folder, where uploads are kept.
 */
public final class LumenService implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final Store store;
  private final Blobs blobs;
  private final List<Path> roots;
  private final EngineOptions options;
  private final Map<String, Model> loaded = new HashMap<>();
  private final Map<String, int[]> shapes = new HashMap<>();
  private final OpenExplainers explainers = new OpenExplainers(8);
  private final DecodedStudies decoded = new DecodedStudies(Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8));

  /** A service over {@code store} and {@code blobs} that reads files only below {@code roots}. */
  public LumenService(Store store, Blobs blobs, List<Path> roots, EngineOptions options) throws IOException {
    this.store = store;
    this.blobs = blobs;
    List<Path> real = new ArrayList<>();
    for (Path root : roots) {
      real.add(Files.createDirectories(root).toRealPath());
    }
    this.roots = List.copyOf(real);
    // the service keeps many sessions open (each model's predictor, pooled explainers) that take
    // turns: spinning idle threads of one slowed the next (docs/design.md, "Thread spinning")
    this.options = options.withoutSpinning();
  }

  /** The store. */
  public Store store() {
    return store;
  }

  /** The blob store. */
  public Blobs blobs() {
    return blobs;
  }

  /**
   * Deletes the blobs no row names (and the superpixels no LIME details name), left by a
   * process killed between writing a file and committing its row; call it before jobs run.
   * Logs how many it removed, and returns this service.
   */
  public LumenService sweepBlobs() throws IOException {
    Set<String> keep = new HashSet<>(store.blobsInUse());
    for (String details : store.detailsBlobs()) {
      Optional<Path> file = blobs.path(details);
      var segments = file.isPresent() ? JSON.readTree(file.get().toFile()).get("segments") : null;
      if (segments != null) {
        keep.add(segments.asText());
      }
    }
    int removed = blobs.sweep(keep);
    if (removed > 0) {
      org.slf4j.LoggerFactory.getLogger(LumenService.class).warn("removed {} blob files no row names, left by an "
          + "interrupted run", removed);
    }
    return this;
  }

  /**
   * {@code path} when it lies below an allowed folder once links and {@code ..} are resolved.
   *
   * @throws ForbiddenPathException otherwise
   * @throws LumenException when there is no such file
   */
  public Path allowed(String path) {
    Path given = Path.of(path);
    if (!Files.exists(given)) {
      throw new LumenException(given, "no such file");
    }
    try {
      Path real = given.toRealPath();
      if (roots.stream().anyMatch(real::startsWith)) {
        return real;
      }
    } catch (IOException e) {
      throw new LumenException(given, "cannot be resolved: " + e.getMessage());
    }
    throw new ForbiddenPathException(path);
  }

  /**
   * Registers the ONNX model at {@code path} (with the card beside it), after loading it once to
   * check that Lumen can run it.
   */
  public ModelRow registerModel(String path) {
    Path file = allowed(path);
    ModelCard card = ModelCard.besideModel(file);
    String sha;
    try (Model model = Model.load(file, card, options)) {
      sha = model.sha256();
    }
    String cardJson;
    try {
      cardJson = JSON.writeValueAsString(card);
    } catch (IOException e) {
      throw new IllegalStateException("a card that was read cannot be written", e);
    }
    String id = Hashes.sha256((sha + cardJson).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
    ModelRow row = new ModelRow(id, file.getFileName().toString(), file.toString(), sha, System.currentTimeMillis());
    store.putModel(row);
    return row;
  }

  /**
   * Registers an uploaded model: its bytes (and its card's, when given) are stored under
   * {@code DATA/models/HASH/} with a safe file name, then registered as a file would be, which
   * loads it once (a file that is not an ONNX model Lumen can run is refused).
   */
  public ModelRow uploadModel(String fileName, byte[] model, byte[] card) throws IOException {
    String base = fileName == null ? "model" : Path.of(fileName).getFileName().toString()
        .replaceFirst("\\.onnx$", "").replaceAll("[^A-Za-z0-9._-]+", "_");
    byte[] cardBytes = card == null ? new byte[0] : card;
    String hash = Hashes.sha256(concat(model, cardBytes)).substring(0, 16);
    Path dir = roots.get(0).resolve("models").resolve(hash);
    Path file = dir.resolve((base.isEmpty() ? "model" : base) + ".onnx");
    if (card != null) {
      dev.lumen.core.io.AtomicFiles.write(ModelCard.pathFor(file), card);
    }
    dev.lumen.core.io.AtomicFiles.write(file, model);
    try {
      return registerModel(file.toString());
    } catch (RuntimeException e) {
      Files.deleteIfExists(file);
      Files.deleteIfExists(ModelCard.pathFor(file));
      Files.deleteIfExists(dir);
      throw e;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The loaded model {@code id}, opened once and kept. */
  public synchronized Model model(String id) {
    Model open = loaded.get(id);
    if (open != null) {
      return open;
    }
    ModelRow row = store.model(id).orElseThrow(() -> new NotFoundException("model", id));
    Path file = Path.of(row.path());
    Model model = Model.load(file, ModelCard.besideModel(file), options);
    loaded.put(id, model);
    return model;
  }

  /**
   * Registers a study from its bytes: a PNG or JPEG image, or a {@code .npy} array (2D image or
   * exam), told apart by content, not by name, and decoded once to check it.
   */
  public StudyRow registerStudy(String name, byte[] bytes) throws IOException {
    String kind = StudyKind.of(bytes).orElseThrow(() -> new LumenException(Path.of(name),
        "is neither a PNG, JPEG or DICOM image nor a NumPy .npy array nor a NIfTI volume nor a ZIP archive of a "
            + "DICOM series"));
    // named for what the readers go by: .npy and .nii by name, images and DICOM by content
    Path probe = Files.createTempFile("lumen-study", switch (kind) {
      case "npy" -> ".npy";
      case "nifti" -> ".nii";
      default -> ".study";
    });
    try {
      Files.write(probe, bytes);
      String decoded = switch (kind) {
        case "npy" -> Npy.read(probe).tensor().rank() == 2 ? "image" : "volume";
        case "nifti" -> {
          Images.niftiVolume(Nifti.read(probe));
          yield "volume";
        }
        case "series" -> {
          SeriesArchive.read(name, bytes);
          yield "volume";
        }
        default -> {
          Images.read(probe);
          yield "image";
        }
      };
      String blob = blobs.put(bytes);
      StudyRow row = new StudyRow(blob.substring(0, 16), name, blob, decoded, System.currentTimeMillis());
      store.putStudy(row);
      return store.study(row.id()).orElse(row);
    } catch (LumenException e) {
      throw new LumenException(e.getMessage().replace(probe.toString(), name));
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** Registers the study file at {@code path} (below an allowed folder). */
  public StudyRow registerStudyFile(String path) throws IOException {
    Path file = allowed(path);
    return registerStudy(file.getFileName().toString(), FileBytes.read(file));
  }

  /** The model's prediction for the study. */
  public Prediction predict(String modelId, String studyId) {
    Model model = model(modelId);
    StudyRow study = study(studyId);
    return study.kind().equals("volume") ? model.predict(volume(study)) : model.predict(image(model, study));
  }

  /**
   * Each slice's share of the model's logit of {@code label} on volume study {@code studyId}
   * ({@link dev.lumen.core.explain.cam.SliceEvidence}): for max-over-slices heads.
   */
  public double[] sliceEvidence(String modelId, String studyId, String label) {
    Model model = model(modelId);
    StudyRow study = study(studyId);
    if (!study.kind().equals("volume")) {
      throw new IllegalArgumentException("study " + studyId + " is an image: slice evidence is for exams");
    }
    return dev.lumen.core.explain.cam.SliceEvidence.of(model, volume(study), model.labelIndex(label));
  }

  /**
   * The stored explanations that answer {@code request}, when every target's is stored. The
   * request is checked on the way: model, study, method, settings, layer and labels must all be
   * known, else it is refused as {@link #explain} would refuse it.
   */
  public Optional<List<ExplanationRow>> cached(ExplainRequest request) {
    return stored(plan(request));
  }

  private Optional<List<ExplanationRow>> stored(Plan plan) {
    List<ExplanationRow> rows = new ArrayList<>();
    for (String key : plan.keys()) {
      Optional<ExplanationRow> row = store.explanation(key);
      if (row.isEmpty()) {
        return Optional.empty();
      }
      rows.add(row.get());
    }
    return Optional.of(rows);
  }

  /** Computes (or fetches) the explanations of {@code request}, storing the new ones. */
  public List<ExplanationRow> explain(ExplainRequest request, Progress progress) throws IOException {
    Plan plan = plan(request);
    Optional<List<ExplanationRow>> stored = stored(plan);
    if (stored.isPresent()) {
      return stored.get();
    }
    Model model = model(request.model());
    StudyRow study = study(request.study());
    Targets targets = Targets.labels(plan.labels());
    String made = String.join("\n", request.model(), request.method().toLowerCase(java.util.Locale.ROOT),
        String.valueOf(request.layer()), plan.settingsJson());
    Explainer explainer = explainers.take(made, () -> Methods.create(request.method(), model, plan.settings().resolve(),
        request.layer() == null ? null : List.of(request.layer())));
    List<ExplanationRow> rows;
    try {
      rows = explain(explainer, plan, request, study, targets, progress);
    } catch (IOException | RuntimeException | Error e) {
      explainer.close();
      throw e;
    }
    explainers.giveBack(made, explainer);
    return rows;
  }

  private List<ExplanationRow> explain(Explainer explainer, Plan plan, ExplainRequest request, StudyRow study,
      Targets targets, Progress progress) throws IOException {
    List<Explanation> explanations = null;
    // LIME also gives its surrogate's fit and superpixels, kept as the explanation's details
    List<LimeResult> lime = null;
    if (study.kind().equals("volume")) {
      Volume volume = volume(study);
      if (explainer instanceof Lime l) {
        lime = l.explainDetailed(volume, targets, progress);
      } else {
        explanations = explainer.explain(volume, targets, progress);
      }
    } else {
      Image image = image(model(request.model()), study);
      if (explainer instanceof Lime l) {
        lime = l.explainDetailed(List.of(image), targets, progress).get(0);
      } else {
        explanations = explainer.explain(List.of(image), targets, progress).get(0);
      }
    }
    explanations = lime != null ? lime.stream().map(LimeResult::explanation).toList() : explanations;
    List<ExplanationRow> rows = new ArrayList<>();
    for (int t = 0; t < explanations.size(); t++) {
      Explanation e = explanations.get(t);
      // the overlay is rendered when first fetched (overlay): most clients draw the map themselves
      ExplanationRow row = new ExplanationRow(plan.keys().get(t), request.model(), request.study(),
          explainer.method(), explainer.layer(), plan.settingsJson(), e.target().label(), e.target().index(),
          e.target().probability(), blobs.put(Npy.encode(e.raw())), blobs.put(Npy.encode(e.heatmap())), null,
          System.currentTimeMillis(), lime != null ? limeDetails(lime.get(t)) : details(e));
      store.putExplanation(row);
      rows.add(store.explanation(row.cacheKey()).orElse(row));
    }
    return rows;
  }

  /**
   * The overlay of a stored explanation ({@code .png}: the map over the study, for a volume its
   * middle slice), rendered and stored the first time it is asked for.
   */
  public Path overlay(ExplanationRow row) throws IOException {
    Optional<Path> stored = row.overlayBlob() == null ? Optional.empty() : blobs.path(row.overlayBlob());
    if (stored.isPresent()) {
      return stored.get();
    }
    Path mapFile = blobs.path(row.mapBlob()).orElseThrow(() -> new IllegalStateException("blob " + row.mapBlob()
        + " of explanation " + row.cacheKey() + " is missing from the blob store"));
    Tensor map = Npy.read(mapFile).tensor();
    int middle = map.dim(0) / 2;
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    javax.imageio.ImageIO.write(Overlay.original().render(studySlices(row.studyId()).get(middle), map.slice(middle)),
        "png", png);
    String blob = blobs.put(png.toByteArray());
    store.setOverlay(row.cacheKey(), blob);
    return blobs.path(blob).orElseThrow();
  }

  /**
   * LIME's details as a JSON blob: the surrogate's R², intercept, local and model predictions,
   * every superpixel's weight, the phases' times, and the blob of the superpixels themselves
   * ({@code int32 [slices, height, width]} at the model input's size).
   */
  private String limeDetails(LimeResult r) throws IOException {
    Segments first = r.segments().get(0);
    ByteBuffer labels = ByteBuffer.allocate(r.segments().size() * first.width() * first.height() * 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (Segments s : r.segments()) {
      for (int label : s.labels()) {
        labels.putInt(label);
      }
    }
    Map<String, Object> details = r.summary();
    details.put("segments", blobs.put(Npy.encode("<i4", new long[] {r.segments().size(), first.height(), first.width()},
        labels.array())));
    return blobs.put(JSON.writeValueAsBytes(details));
  }

  /** What the method reports of how it made {@code e} ({@link Explanation#details}) as a JSON blob, or null. */
  private String details(Explanation e) throws IOException {
    return e.details().isEmpty() ? null : blobs.put(JSON.writeValueAsBytes(e.details()));
  }

  /** The labels, settings and cache keys of a request, resolved against its model. */
  private record Plan(List<String> labels, MethodSettings settings, String settingsJson, List<String> keys) {}

  private Plan plan(ExplainRequest request) {
    Methods.named(List.of(request.method()));
    Model model = model(request.model());
    StudyRow study = study(request.study());
    MethodSettings settings = settings(request.settings());
    settings.resolve();
    String settingsJson;
    try {
      settingsJson = JSON.writeValueAsString(settings);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> labels;
    if (request.labels() != null) {
      labels = request.labels().stream().map(l -> model.labels().get(model.labelIndex(l))).toList();
    } else {
      Prediction p = predict(request.model(), request.study());
      labels = p.top(Math.min(Math.max(1, request.top()), model.labels().size())).stream()
          .map(s -> s.label()).toList();
    }
    List<String> keys = new ArrayList<>();
    for (String label : labels) {
      String key = String.join("\n", model.sha256(), request.model(), study.blob(), request.method().toLowerCase(
          java.util.Locale.ROOT), String.valueOf(request.layer()), settingsJson, label);
      keys.add(Hashes.sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return new Plan(labels, settings, settingsJson, keys);
  }

  /** The defaults with {@code overrides} laid over them; unknown names and wrong types are refused by name. */
  static MethodSettings settings(Map<String, Object> overrides) {
    Map<String, Object> merged = new LinkedHashMap<>(JSON.convertValue(MethodSettings.defaults(), Map.class));
    for (String name : overrides.keySet()) {
      if (!merged.containsKey(name)) {
        throw new IllegalArgumentException("unknown setting '" + name + "'; settings: " + merged.keySet());
      }
    }
    merged.putAll(overrides);
    try {
      return JSON.convertValue(merged, MethodSettings.class);
    } catch (IllegalArgumentException e) {
      String field = e.getCause() instanceof MismatchedInputException m ? JsonErrors.field(m) : "?";
      Object value = merged.get(field);
      throw new IllegalArgumentException("setting '" + field + "' has the wrong type: " + value + " (default: "
          + JSON.convertValue(MethodSettings.defaults(), Map.class).get(field) + ")", e);
    }
  }

  /** The study {@code id}. */
  public StudyRow study(String id) {
    return store.study(id).orElseThrow(() -> new NotFoundException("study", id));
  }

  /** The stored file of study {@code id}. */
  public Path studyFile(String id) {
    return blob(study(id));
  }

  /** The size of study {@code id} as decoded: slices (1 for an image), height, width. */
  public synchronized int[] studyShape(String id) {
    return shapes.computeIfAbsent(id, key -> {
      List<Image> slices = studySlices(key);
      return new int[] {slices.size(), slices.get(0).height(), slices.get(0).width()};
    }).clone();
  }

  /** Study {@code id} decoded: its slices (one for an image), in the file's own values, named by the study. */
  public List<Image> studySlices(String id) {
    StudyRow study = study(id);
    return decoded.get(id, () -> {
      Path file = blob(study);
      List<Image> slices = study.kind().equals("volume") ? readVolume(file).slices()
          : List.of(StudyKind.isNpy(file) ? Images.readNpyImage(file) : Images.read(file));
      return slices.stream().map(s -> new Image(study.name(), s.pixels(), s.maxValue())).toList();
    });
  }

  private Path blob(StudyRow study) {
    return blobs.path(study.blob()).orElseThrow(() -> new IllegalStateException("blob of study " + study.id()
        + " is missing from the blob store"));
  }

  private Image image(Model model, StudyRow study) {
    model.requireImages();
    return studySlices(study.id()).get(0);
  }

  private Volume volume(StudyRow study) {
    return new Volume(study.name(), studySlices(study.id()));
  }

  /** A stored volume: a NIfTI file, a ZIP archive of a DICOM series or a NumPy array, told by content. */
  private static Volume readVolume(Path file) {
    return switch (StudyKind.extension(file)) {
      case "nii" -> Images.niftiVolume(Nifti.read(file));
      case "zip" -> SeriesArchive.read(file);
      default -> Images.readNpyVolume(file);
    };
  }

  /** Closes the open explainers and every loaded model. Safe to call twice. */
  @Override
  public synchronized void close() {
    explainers.close();
    loaded.values().forEach(Model::close);
    loaded.clear();
  }
}
