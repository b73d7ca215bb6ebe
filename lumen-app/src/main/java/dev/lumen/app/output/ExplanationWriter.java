package dev.lumen.app.output;

import dev.lumen.core.LumenException;
import dev.lumen.core.MemoryBudget;
import dev.lumen.core.Version;
import dev.lumen.core.dicom.DerivedObjects;
import dev.lumen.core.dicom.DicomDataset;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.lime.LimeResult;
import dev.lumen.core.explain.lime.LimeViews;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.NiftiWriter;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Regions;
import dev.lumen.core.preprocess.Channels;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.render.AttributionPicture;
import dev.lumen.core.render.BoxDrawing;
import dev.lumen.core.render.Overlay;
import dev.lumen.core.render.Panel;
import dev.lumen.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes explanations into a folder: per study and target the raw map ({@code .raw.npy},
 * float32 at the layer's resolution, one map per slice), the normalised map in the image's
 * geometry ({@code .map.npy}), the overlay ({@code .png}, one per slice for volumes); per 2D
 * study a {@code panel.png} with the study beside every overlay; with a box threshold, the
 * regions of every map above it (boxes with confidences, in the manifest) and per 2D study a
 * {@code boxes.png} with the boxes of the targets the model finds (probability at least 0.5, or
 * the most probable when none is), each label in its own colour; and {@code manifest.json}
 * listing every input, target, method, layer and file.
 *
 * <p>Nothing is lost and nothing mixed: a folder that already holds files is refused, unless
 * the run is told to add to it, and then only when it holds a run of the same model, method and
 * layer, whose manifest keeps its studies. Each study is written into a hidden temporary folder
 * renamed into place when complete, and the manifest is rewritten (atomically) after every
 * study, so a run stopped at any point leaves whole studies and a manifest listing exactly them;
 * what a killed run's unfinished study left (hidden temporary names) the next writer into the
 * folder deletes. A run that fails before its first study leaves no folder behind.
 */
public final class ExplanationWriter {
  private final Path dir;
  private final Overlay overlay;
  private final float boxThreshold;
  private final Map<String, Object> header;
  private final List<Map<String, Object>> studies = new ArrayList<>();
  private final boolean existed;
  private final Channels channelOrder;
  private final Map<Path, String> sourceNames = new java.util.HashMap<>();

  /** Memory a target's map costs a pixel: the map and the temporaries of resampling it. */
  private static final long MAP_BYTES_PER_PIXEL = 2 * Float.BYTES;
  /** Memory writing a study costs a pixel: the map file's bytes, the overlay, the encoder's copy, a panel tile. */
  private static final long WRITE_BYTES_PER_PIXEL = 4 * Float.BYTES;

  /** The manifest fields that say which run a folder holds; {@code --add} needs them equal. */
  private static final List<String> RUN_FIELDS = List.of("modelSha256", "method", "layer", "ensemble");

  /**
   * A writer into {@code dir} (created with the first study) drawing overlays with
   * {@code overlay}; {@code header} (model, method, layer, ...) heads the manifest;
   * {@code boxThreshold} in (0, 1] also finds regions at or above it in every normalised map, 0
   * does not. With {@code add}, a folder holding a run of the same model, method and layer is
   * added to; without, {@code dir} must be empty or missing. {@code channelOrder} is the order of
   * the model input's channels, in which input attributions come ({@code BASE.channels.png} shows
   * them as RGB).
   *
   * @throws LumenException when {@code dir} is a file, holds files and {@code add} is off, or
   *     holds something other than a run of this model, method and layer
   */
  public ExplanationWriter(Path dir, Overlay overlay, float boxThreshold, Map<String, Object> header,
                           Channels channelOrder, boolean add) throws IOException {
    if (!(boxThreshold >= 0 && boxThreshold <= 1)) {
      throw new IllegalArgumentException("box threshold must be in [0, 1] (0 = no boxes), got " + boxThreshold);
    }
    this.dir = dir;
    this.overlay = overlay;
    this.boxThreshold = boxThreshold;
    this.header = new LinkedHashMap<>(header);
    this.channelOrder = channelOrder;
    this.existed = Files.exists(dir);
    if (existed && !Files.isDirectory(dir)) {
      throw new LumenException(dir, "is a file; explanations are written into a folder");
    }
    if (existed) {
      Folders.removeLeftovers(dir);
    }
    if (existed && !isEmpty(dir)) {
      if (!add) {
        throw new LumenException(dir, "holds files already; choose an empty or new folder, or --add to add "
            + "studies to the run it holds");
      }
      studies.addAll(earlierRun());
    }
  }

  /** The studies of the run in {@link #dir}, which must be of this model, method and layer. */
  private List<Map<String, Object>> earlierRun() throws IOException {
    if (!Files.isRegularFile(manifest())) {
      throw new LumenException(dir, "holds files but no manifest.json, so it is not a Lumen run to add to");
    }
    Map<String, Object> earlier = JsonFiles.read(manifest());
    for (String field : RUN_FIELDS) {
      if (!java.util.Objects.equals(String.valueOf(earlier.get(field)), String.valueOf(header.get(field)))) {
        throw new LumenException(dir, "holds a run with " + field + " " + earlier.get(field) + ", this run has "
            + header.get(field) + "; --add adds studies only to a run of the same model, method and layer");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    if (earlier.get("studies") instanceof List<?> list) {
      for (Object study : list) {
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) study;
        out.add(entry);
      }
    }
    return out;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /**
   * Fails unless the heap can hold the explanations of {@code studies} (the maps of
   * {@code targets} targets each in the image's geometry, with the resampling's temporaries)
   * and the writing of the largest: its map file's bytes, its overlay and the PNG encoder's
   * copy, one full-size panel tile.
   *
   * @param studies each study's file and its pixel count (all slices)
   */
  public static void requireMemory(Map<Path, Long> studies, int targets) {
    long maps = 0;
    Path largest = null;
    long most = 0;
    for (Map.Entry<Path, Long> study : studies.entrySet()) {
      maps += study.getValue() * MAP_BYTES_PER_PIXEL * targets;
      if (study.getValue() >= most) {
        most = study.getValue();
        largest = study.getKey();
      }
    }
    if (largest != null) {
      MemoryBudget.require(largest, maps + most * WRITE_BYTES_PER_PIXEL, "explaining " + targets + " target"
          + (targets == 1 ? "" : "s") + " of " + most + " pixels" + (studies.size() > 1 ? " (with its batch)" : ""));
    }
  }

  /** The manifest's head: the model (as {@code modelName} names it), its SHA-256, the method, the layer, Lumen's version. */
  public static Map<String, Object> header(String modelName, Model model, Explainer explainer) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("model", modelName);
    header.put("modelSha256", model.sha256());
    header.put("method", explainer.method());
    header.put("layer", explainer.layer());
    header.put("lumenVersion", Version.get());
    return header;
  }

  /** Writes a method's own files for one explanation and returns what the manifest says of them. */
  @FunctionalInterface
  public interface Extras {
    /**
     * Writes files into {@code studyDir} (named from {@code base}) for explanation {@code index};
     * the manifest names them as {@code stem/NAME}.
     */
    Map<String, Object> write(Path studyDir, String stem, String base, int index) throws IOException;

    /** These files and then {@code other}'s. */
    default Extras and(Extras other) {
      return (studyDir, stem, base, index) -> {
        Map<String, Object> both = new LinkedHashMap<>(write(studyDir, stem, base, index));
        both.putAll(other.write(studyDir, stem, base, index));
        return both;
      };
    }
  }

  /** No files of a method's own. */
  public static final Extras NO_EXTRAS = (studyDir, stem, base, index) -> Map.of();

  /**
   * Writes the explanations of one study. {@code slices} are the images the maps are drawn on
   * (one for a 2D study), {@code input} the study's file.
   */
  public Path write(Path input, List<Image> slices, List<Explanation> explanations) throws IOException {
    return write(input, slices, explanations, NO_EXTRAS);
  }

  /**
   * Each normalised map of {@code explanations} (of one volume whose source has a geometry) also
   * as {@code BASE.map.nii.gz} with the volume's {@code affine} (column, row, slice to RAS mm), so
   * it overlays the scan in any NIfTI viewer.
   */
  public static Extras niftiMaps(List<Explanation> explanations, double[][] affine) {
    return (studyDir, stem, base, index) -> {
      Tensor heat = explanations.get(index).heatmap();
      List<Image> planes = new ArrayList<>();
      for (int s = 0; s < heat.dim(0); s++) {
        planes.add(new Image(base + "#" + s, heat.slice(s).reshape(1, heat.dim(1), heat.dim(2)), 1));
      }
      String name = base + ".map.nii.gz";
      NiftiWriter.write(studyDir.resolve(name), new Volume(name, planes), affine);
      return Map.of("mapNifti", stem + "/" + name);
    };
  }

  /**
   * Each map of {@code explanations} of a DICOM study (its {@code sources}, one data set per
   * slice of {@code slices}) also as DICOM objects in the source's study: {@code BASE.seg.dcm},
   * a Segmentation of the region where the normalised map is at least {@code threshold}, and
   * {@code BASE.sc.dcm}, the overlays as a Secondary Capture (see {@link DerivedObjects}).
   */
  public Extras dicomObjects(List<Image> slices, List<Explanation> explanations, List<DicomDataset> sources,
      float threshold) {
    String method = String.valueOf(header.get("method"));
    return (studyDir, stem, base, index) -> {
      Explanation e = explanations.get(index);
      List<boolean[]> masks = new ArrayList<>();
      List<BufferedImage> overlays = new ArrayList<>();
      for (int s = 0; s < e.slices(); s++) {
        float[] heat = e.heatmap(s).unsafeData();
        boolean[] mask = new boolean[heat.length];
        for (int i = 0; i < heat.length; i++) {
          mask[i] = heat[i] >= threshold;
        }
        masks.add(mask);
        overlays.add(overlay.render(slices.get(s), e.heatmap(s)));
      }
      String label = e.target().label();
      String what = String.format(Locale.ROOT, "%s of %s (score %.3f)", method, label, e.target().probability());
      DerivedObjects.segmentation(sources, masks, label, method,
          String.format(Locale.ROOT, "%s, normalised map at least %s", what, threshold))
          .write(studyDir.resolve(base + ".seg.dcm"));
      DerivedObjects.secondaryCapture(sources, overlays, what).write(studyDir.resolve(base + ".sc.dcm"));
      Map<String, Object> dicom = new LinkedHashMap<>();
      dicom.put("segmentation", stem + "/" + base + ".seg.dcm");
      dicom.put("segmentationThreshold", threshold);
      dicom.put("secondaryCapture", stem + "/" + base + ".sc.dcm");
      return Map.of("dicom", dicom);
    };
  }

  /**
   * Writes the LIME explanations of one study with, per target, the surrogate's superpixel
   * weights, intercept, R² and predictions in the manifest and, for 2D studies, the three views
   * of the {@code views} strongest superpixels ({@code BASE.lime-region.png},
   * {@code BASE.lime-pros-cons.png}, {@code BASE.lime-hide-rest.png}).
   */
  public Path writeLime(Path input, List<Image> slices, List<Geometry> geometries, List<LimeResult> results, int views,
      Extras more) throws IOException {
    Extras limeFiles = (studyDir, stem, base, index) -> {
      LimeResult r = results.get(index);
      Map<String, Object> lime = r.summary();
      if (slices.size() == 1) {
        LimeViews pictures = new LimeViews(slices.get(0), geometries.get(0), r, 0);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("region", writePicture(studyDir, stem, base + ".lime-region.png", pictures.region(views)));
        files.put("prosAndCons", writePicture(studyDir, stem, base + ".lime-pros-cons.png", pictures.prosAndCons(views)));
        files.put("hideRest", writePicture(studyDir, stem, base + ".lime-hide-rest.png", pictures.hideRest(views)));
        lime.put("views", files);
      }
      return Map.of("lime", lime);
    };
    return write(input, slices, results.stream().map(LimeResult::explanation).toList(), limeFiles.and(more));
  }

  private static String writePicture(Path studyDir, String stem, String name, BufferedImage picture) throws IOException {
    AtomicFiles.writePng(studyDir.resolve(name), picture);
    return stem + "/" + name;
  }

  /** Writes the explanations of one study with {@code extras}' files beside each map's; returns the study's folder. */
  public Path write(Path input, List<Image> slices, List<Explanation> explanations, Extras extras) throws IOException {
    String stem = uniqueStem(input);
    Files.createDirectories(dir);
    Path partial = Files.createTempDirectory(dir, "." + stem + ".partial");
    try {
      Map<String, Object> study = writeStudy(partial, stem, input, slices, explanations, extras);
      Files.move(partial, dir.resolve(stem), StandardCopyOption.ATOMIC_MOVE);
      studies.add(study);
      writeManifest();
      return dir.resolve(stem);
    } catch (IOException | RuntimeException | Error e) {
      Folders.deleteTree(partial);
      if (studies.isEmpty() && !existed) {
        Files.deleteIfExists(dir);
      }
      throw e;
    }
  }

  /** Writes one study's files into {@code studyDir}, which becomes {@code dir/stem}; returns its manifest entry. */
  private Map<String, Object> writeStudy(Path studyDir, String stem, Path input, List<Image> slices,
      List<Explanation> explanations, Extras extras) throws IOException {
    List<Map<String, Object>> entries = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    for (int index = 0; index < explanations.size(); index++) {
      Explanation e = explanations.get(index);
      String base = unique(safe(e.target().label()), bases);
      Path raw = studyDir.resolve(base + ".raw.npy");
      Path map = studyDir.resolve(base + ".map.npy");
      Npy.write(raw, e.raw());
      Npy.write(map, e.heatmap());
      List<String> overlays = new ArrayList<>();
      for (int s = 0; s < e.slices(); s++) {
        String name = e.slices() == 1 ? base + ".png" : String.format(Locale.ROOT, "%s.slice-%03d.png", base, s);
        overlay.writePng(slices.get(s), e.heatmap(s), studyDir.resolve(name));
        overlays.add(stem + "/" + name);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("target", Map.of("label", e.target().label(), "index", e.target().index(),
          "score", e.target().probability()));
      entry.put("raw", stem + "/" + raw.getFileName());
      entry.put("rawShape", e.raw().shape());
      entry.put("map", stem + "/" + map.getFileName());
      entry.put("mapShape", e.heatmap().shape());
      entry.put("overlays", overlays);
      if (e.attribution().isPresent()) {
        Tensor attribution = e.attribution().get();
        Path file = studyDir.resolve(base + ".attribution.npy");
        Npy.write(file, attribution);
        entry.put("attribution", stem + "/" + file.getFileName());
        entry.put("attributionShape", attribution.shape());
        if (e.slices() == 1) {
          String picture = base + ".channels.png";
          AtomicFiles.writePng(studyDir.resolve(picture), AttributionPicture.of(attribution.slice(0), channelOrder));
          entry.put("channels", stem + "/" + picture);
        }
      }
      if (boxThreshold > 0) {
        List<List<Regions.Box>> perSlice = new ArrayList<>();
        for (int sl = 0; sl < e.slices(); sl++) {
          perSlice.add(Regions.of(e.heatmap(sl), boxThreshold));
        }
        entry.put("boxes", perSlice);
      }
      if (!e.details().isEmpty()) {
        // what the method reports of how it made the map, under its name (kernelshap.coalitions, ...)
        entry.put(e.provenance().method(), e.details());
      }
      entry.putAll(extras.write(studyDir, stem, base, index));
      entries.add(entry);
    }
    Map<String, Object> study = new LinkedHashMap<>();
    study.put("input", inputName(input));
    study.put("inputAsGiven", sourceNames.getOrDefault(input, input.toString()));
    study.put("folder", stem);
    if (slices.size() == 1 && !explanations.isEmpty()) {
      writePanel(studyDir.resolve("panel.png"), slices.get(0), explanations);
      study.put("panel", stem + "/panel.png");
      if (boxThreshold > 0) {
        writeBoxes(studyDir.resolve("boxes.png"), slices.get(0), explanations);
        study.put("boxes", stem + "/boxes.png");
      }
    }
    study.put("prediction", explanations.isEmpty() ? List.of() : explanations.get(0).prediction().scores());
    study.put("explanations", entries);
    return study;
  }

  /** {@code base}, or {@code base-2}, {@code base-3}, ... when an earlier target of the study took it. */
  private static String unique(String base, List<String> taken) {
    String candidate = base;
    for (int i = 2; taken.contains(candidate.toLowerCase(Locale.ROOT)); i++) {
      candidate = base + "-" + i;
    }
    taken.add(candidate.toLowerCase(Locale.ROOT));
    return candidate;
  }

  private void writePanel(Path panel, Image image, List<Explanation> explanations) throws IOException {
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    tiles.add(Panel.tile(Overlay.imageOnly(image)));
    captions.add(image.source());
    for (Explanation e : explanations) {
      tiles.add(Panel.tile(overlay.render(image, e.heatmap(0))));
      captions.add(String.format(Locale.ROOT, "%s %.3f", e.target().label(), e.target().probability()));
    }
    AtomicFiles.writePng(panel, Panel.of(tiles, captions));
  }

  private void writeBoxes(Path file, Image image, List<Explanation> explanations) throws IOException {
    BufferedImage picture = Overlay.imageOnly(image);
    List<Explanation> found = explanations.stream().filter(e -> e.target().probability() >= 0.5f).toList();
    if (found.isEmpty()) {
      found = explanations.stream()
          .max(java.util.Comparator.comparingDouble(e -> e.target().probability())).stream().toList();
    }
    for (int t = 0; t < found.size(); t++) {
      Explanation e = found.get(t);
      BoxDrawing.draw(picture, Regions.of(e.heatmap(0), boxThreshold), e.target().label(), BoxDrawing.colour(t));
    }
    AtomicFiles.writePng(file, picture);
  }

  /** Whether the run already holds {@code input} (an earlier run added to, or this one). */
  public boolean holds(Path input) {
    String relative = inputName(input);
    return studies.stream().anyMatch(s -> relative.equals(s.get("input")));
  }

  /** The manifest's path. */
  public Path manifest() {
    return dir.resolve("manifest.json");
  }

  private void writeManifest() throws IOException {
    Map<String, Object> manifest = new LinkedHashMap<>(header);
    manifest.put("studies", studies);
    JsonFiles.write(manifest(), manifest);
  }

  /** The study's folder name: its file's stem (a folder's whole name), numbered on when an earlier study took it. */
  private String uniqueStem(Path input) {
    String name = input.getFileName().toString();
    int dot = Files.isDirectory(input) ? -1 : name.lastIndexOf('.');   // a series folder's name may be a UID
    String stem = safe(dot > 0 ? name.substring(0, dot) : name);
    List<String> taken = new ArrayList<>();
    studies.forEach(s -> taken.add(String.valueOf(s.get("folder")).toLowerCase(Locale.ROOT)));
    String candidate = stem;
    for (int i = 2; taken.contains(candidate.toLowerCase(Locale.ROOT)) || Files.exists(dir.resolve(candidate)); i++) {
      candidate = stem + "-" + i;
    }
    return candidate;
  }

  /** {@code file} relative to the output folder, with forward slashes, so the manifest moves with the folder. */
  /**
   * Names {@code local}, a copy of a study fetched from elsewhere (a DICOMweb URL), by where it
   * came from: the manifest lists it so, and {@code --add} knows it by that name.
   */
  public void nameSource(Path local, String source) {
    sourceNames.put(local, source);
  }

  /** The manifest's name of a study: where it came from, else its path relative to the run's folder. */
  private String inputName(Path input) {
    return sourceNames.getOrDefault(input, relative(input));
  }

  private String relative(Path file) {
    return dir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  /** {@code s} as a file name: other characters than letters, digits, . - _ become one underscore per run. */
  public static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]+", "_");
  }
}
