package dev.lumen.app.output;

import dev.lumen.core.Version;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.lime.LimeResult;
import dev.lumen.core.explain.lime.LimeViews;
import dev.lumen.core.explain.lime.Segments;
import dev.lumen.core.image.Image;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Regions;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.render.BoxDrawing;
import dev.lumen.core.render.Overlay;
import dev.lumen.core.render.Panel;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>The manifest is rewritten after every study, so an interrupted run keeps a valid record of
 * what it wrote.
 */
public final class ExplanationWriter {
  private final Path dir;
  private final Overlay overlay;
  private final float boxThreshold;
  private final Map<String, Object> header;
  private final List<Map<String, Object>> studies = new ArrayList<>();

  /**
   * A writer into {@code dir} (created if missing) drawing overlays with {@code overlay};
   * {@code header} (model, method, layer, ...) heads the manifest; {@code boxThreshold} in
   * (0, 1] also finds regions at or above it in every normalised map, 0 does not.
   */
  public ExplanationWriter(Path dir, Overlay overlay, float boxThreshold, Map<String, Object> header)
      throws IOException {
    if (boxThreshold < 0 || boxThreshold > 1) {
      throw new IllegalArgumentException("box threshold must be in [0, 1] (0 = no boxes), got " + boxThreshold);
    }
    this.dir = Files.createDirectories(dir);
    this.overlay = overlay;
    this.boxThreshold = boxThreshold;
    this.header = new LinkedHashMap<>(header);
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
    /** Writes files into {@code studyDir} (named from {@code base}) for explanation {@code index}. */
    Map<String, Object> write(Path studyDir, String base, int index) throws IOException;
  }

  /**
   * Writes the explanations of one study. {@code slices} are the images the maps are drawn on
   * (one for a 2D study), {@code input} the study's file.
   */
  public void write(Path input, List<Image> slices, List<Explanation> explanations) throws IOException {
    write(input, slices, explanations, (studyDir, base, index) -> Map.of());
  }

  /**
   * Writes the LIME explanations of one study with, per target, the surrogate's superpixel
   * weights, intercept, R² and predictions in the manifest and, for 2D studies, the three views
   * of the {@code views} strongest superpixels ({@code BASE.lime-region.png},
   * {@code BASE.lime-pros-cons.png}, {@code BASE.lime-hide-rest.png}).
   */
  public void writeLime(Path input, List<Image> slices, List<Geometry> geometries, List<LimeResult> results, int views)
      throws IOException {
    write(input, slices, results.stream().map(LimeResult::explanation).toList(), (studyDir, base, index) -> {
      LimeResult r = results.get(index);
      Map<String, Object> lime = new LinkedHashMap<>();
      lime.put("r2", r.r2());
      lime.put("intercept", r.intercept());
      lime.put("localPrediction", r.localPrediction());
      lime.put("modelPrediction", r.modelPrediction());
      lime.put("superpixels", r.segments().stream().mapToInt(Segments::count).sum());
      lime.put("weights", r.weights());
      lime.put("phasesMs", r.phases());
      if (slices.size() == 1) {
        LimeViews pictures = new LimeViews(slices.get(0), geometries.get(0), r, 0);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("region", writePicture(studyDir.resolve(base + ".lime-region.png"), pictures.region(views)));
        files.put("prosAndCons", writePicture(studyDir.resolve(base + ".lime-pros-cons.png"), pictures.prosAndCons(views)));
        files.put("hideRest", writePicture(studyDir.resolve(base + ".lime-hide-rest.png"), pictures.hideRest(views)));
        lime.put("views", files);
      }
      return Map.of("lime", lime);
    });
  }

  private String writePicture(Path file, BufferedImage picture) throws IOException {
    ImageIO.write(picture, "png", file.toFile());
    return relative(file);
  }

  private void write(Path input, List<Image> slices, List<Explanation> explanations, Extras extras) throws IOException {
    String stem = uniqueStem(input);
    Path studyDir = Files.createDirectories(dir.resolve(stem));
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int index = 0; index < explanations.size(); index++) {
      Explanation e = explanations.get(index);
      String base = safe(e.target().label());
      Path raw = studyDir.resolve(base + ".raw.npy");
      Path map = studyDir.resolve(base + ".map.npy");
      Npy.write(raw, e.raw());
      Npy.write(map, e.heatmap());
      List<String> overlays = new ArrayList<>();
      for (int s = 0; s < e.slices(); s++) {
        String name = e.slices() == 1 ? base + ".png" : String.format(Locale.ROOT, "%s.slice-%03d.png", base, s);
        overlay.writePng(slices.get(s), e.heatmap(s), studyDir.resolve(name));
        overlays.add(relative(studyDir.resolve(name)));
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("target", Map.of("label", e.target().label(), "index", e.target().index(),
          "score", e.target().probability()));
      entry.put("raw", relative(raw));
      entry.put("rawShape", e.raw().shape());
      entry.put("map", relative(map));
      entry.put("mapShape", e.heatmap().shape());
      entry.put("overlays", overlays);
      if (boxThreshold > 0) {
        List<List<Regions.Box>> perSlice = new ArrayList<>();
        for (int sl = 0; sl < e.slices(); sl++) {
          perSlice.add(Regions.of(e.heatmap(sl), boxThreshold));
        }
        entry.put("boxes", perSlice);
      }
      entry.putAll(extras.write(studyDir, base, index));
      entries.add(entry);
    }
    Map<String, Object> study = new LinkedHashMap<>();
    study.put("input", input.toString());
    if (slices.size() == 1 && !explanations.isEmpty()) {
      study.put("panel", relative(writePanel(studyDir, slices.get(0), explanations)));
      if (boxThreshold > 0) {
        study.put("boxes", relative(writeBoxes(studyDir, slices.get(0), explanations)));
      }
    }
    study.put("prediction", explanations.isEmpty() ? List.of() : explanations.get(0).prediction().scores());
    study.put("explanations", entries);
    studies.add(study);
    writeManifest();
  }

  private Path writePanel(Path studyDir, Image image, List<Explanation> explanations) throws IOException {
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    tiles.add(Overlay.imageOnly(image));
    captions.add(image.source());
    for (Explanation e : explanations) {
      tiles.add(overlay.render(image, e.heatmap(0)));
      captions.add(String.format(Locale.ROOT, "%s %.3f", e.target().label(), e.target().probability()));
    }
    Path panel = studyDir.resolve("panel.png");
    ImageIO.write(Panel.of(tiles, captions), "png", panel.toFile());
    return panel;
  }

  private Path writeBoxes(Path studyDir, Image image, List<Explanation> explanations) throws IOException {
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
    Path file = studyDir.resolve("boxes.png");
    ImageIO.write(picture, "png", file.toFile());
    return file;
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

  private String uniqueStem(Path input) {
    String name = input.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = safe(dot > 0 ? name.substring(0, dot) : name);
    String candidate = stem;
    for (int i = 2; Files.exists(dir.resolve(candidate)) && usedInThisRun(candidate); i++) {
      candidate = stem + "-" + i;
    }
    return candidate;
  }

  private boolean usedInThisRun(String stem) {
    return studies.stream().flatMap(s -> ((List<?>) s.get("explanations")).stream())
        .map(e -> (String) ((Map<?, ?>) e).get("raw")).anyMatch(r -> r.startsWith(stem + "/"));
  }

  private String relative(Path file) {
    return dir.relativize(file).toString().replace('\\', '/');
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]+", "_");
  }
}
