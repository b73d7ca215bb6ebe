package dev.lumen.app.cli;

import static dev.lumen.app.cli.CliTest.lumen;
import static dev.lumen.app.cli.CliTest.testModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.cli.CliTest.Run;
import dev.lumen.core.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command on a corpus of bad inputs the test makes itself — truncated, corrupt and lying
 * files of each format, NaN and infinities, every dtype trap, oversized dimensions, unwritable
 * outputs, duplicate labels — each answered with its exit code and one line naming the file, no
 * stack trace, no internal text, and nothing half-written left behind.
 */
class BadInputTest {
  @TempDir
  static Path corpus;

  static Path model;
  static Path study;
  static Path csv;

  @BeforeAll
  static void makeCorpus() throws IOException {
    model = DemoResources.copy("chest-demo.onnx", corpus);
    DemoResources.copy("chest-demo.lumen.json", corpus);
    study = DemoResources.copy("study-1-nodule.png", corpus);
    Files.createDirectories(corpus.resolve("images"));
    Files.copy(study, corpus.resolve("images/a.png"));
    Files.copy(DemoResources.copy("study-3-normal.png", corpus), corpus.resolve("images/b.png"));
    csv = Files.writeString(corpus.resolve("labels.csv"), "image,label\nimages/a.png,nodule\nimages/b.png,normal\n");
  }

  /**
   * Runs {@code args} in a fresh folder and asserts the refusal: {@code code}, one stderr line
   * that names {@code names}, no stack trace or internal text, and no temporary or half-written
   * file, nor any folder, left in that working folder.
   */
  private static String refused(int code, Object names, Path work, String... args) throws IOException {
    Run r = lumen(args);
    String err = r.err();
    assertEquals(code, r.code(), String.join(" ", args) + " -> " + err);
    assertTrue(err.startsWith("lumen: ") && err.endsWith("\n") && err.indexOf('\n') == err.length() - 1,
        "one line: " + err);
    assertTrue(err.contains(names.toString()), "names " + names + ": " + err);
    for (String internal : List.of("\tat ", "Exception", "No enum constant", "[Source:", "Cannot invoke")) {
      assertFalse(err.contains(internal), "no internal text '" + internal + "': " + err);
    }
    try (Stream<Path> left = Files.walk(work)) {
      List<Path> extra = left.filter(p -> !p.equals(work)).toList();
      assertTrue(extra.isEmpty(), "nothing left behind: " + extra);
    }
    return err;
  }

  private static Path work(Path tmp, String name) throws IOException {
    return Files.createDirectories(tmp.resolve(name));
  }

  @Test
  void badStudiesOfEveryFormatAreRefusedByEveryCommandThatReadsThem(@TempDir Path tmp) throws IOException {
    byte[] png = Files.readAllBytes(study);
    BufferedImage colour = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    Path jpeg = tmp.resolve("whole.jpg");
    ImageIO.write(colour, "jpeg", jpeg.toFile());
    byte[] jpg = Files.readAllBytes(jpeg);
    List<Path> bad = new ArrayList<>();
    bad.add(Files.write(tmp.resolve("cut.png"), Arrays.copyOf(png, png.length / 2)));
    bad.add(Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(jpg, jpg.length * 2 / 3)));
    bad.add(Files.write(tmp.resolve("empty.png"), new byte[0]));
    bad.add(Files.writeString(tmp.resolve("report.png"), "no pixels here"));
    bad.add(Files.write(tmp.resolve("huge.png"), hugePng(png)));
    bad.add(npy(tmp.resolve("nan.npy"), "<f4", new long[] {2, 2}, floats(0, Float.NaN, 1, 2)));
    bad.add(npy(tmp.resolve("inf.npy"), "<f8", new long[] {2, 2}, doubles(0, 1, Double.POSITIVE_INFINITY, 2)));
    bad.add(npy(tmp.resolve("ids.npy"), "<i8", new long[] {1, 2}, longs(1, 1L << 40)));
    Path whole = npy(tmp.resolve("whole.npy"), "<f4", new long[] {8, 8}, new byte[256]);
    bad.add(Files.write(tmp.resolve("cut.npy"), Arrays.copyOf(Files.readAllBytes(whole), 200)));
    bad.add(npy(tmp.resolve("complex.npy"), "<c16", new long[] {2, 2}, new byte[64]));
    bad.add(npy(tmp.resolve("cube.npy"), "|u1", new long[] {2, 4, 4}, new byte[32]));
    for (Path file : bad) {
      refused(3, file, work(tmp, "predict-" + file.getFileName()), "predict", model.toString(), file.toString());
      Path w = work(tmp, "explain-" + file.getFileName());
      refused(3, file, w, "explain", model.toString(), file.toString(), "-o", w.resolve("out").toString());
    }
    Path wrongCsv = Files.writeString(tmp.resolve("bad.csv"), "image,label\n" + bad.get(0).getFileName() + ",nodule\n"
        + bad.get(1).getFileName() + ",normal\n");
    refused(3, bad.get(0), work(tmp, "evaluate"), "evaluate", model.toString(), wrongCsv.toString());
  }

  @Test
  void corruptLyingAndForeignModelsAndCardsAreRefused(@TempDir Path tmp) throws IOException {
    byte[] onnx = Files.readAllBytes(model);
    List<Path> models = new ArrayList<>();
    models.add(Files.write(tmp.resolve("cut.onnx"), Arrays.copyOf(onnx, onnx.length / 3)));
    models.add(Files.writeString(tmp.resolve("notes.onnx"), "weights: none"));
    models.add(Files.copy(study, tmp.resolve("picture.onnx")));
    models.add(Files.copy(testModel("segmenter"), tmp.resolve("segmenter.onnx")));
    for (String card : List.of("{\"labels\": [\"normal\", \"nodule\", \"Nodule\"]}", "null", "{\"input\": {\"layout\": 4}}",
        "{\"input\": {\"layout\": \"CHW\"}}", "{\"preprocessing\": {\"std\": [0.1, 0.2]}}", "{\"layer\": \"layer9\"}",
        "{\"labels\": [1, 2", "{\"task\": \"regression\"}")) {
      Path dir = Files.createDirectories(tmp.resolve("card" + models.size()));
      Path copy = Files.copy(model, dir.resolve("m.onnx"));
      Files.writeString(dir.resolve("m.lumen.json"), card);
      models.add(copy);
    }
    for (Path m : models) {
      // a card's mistake names the card, or the model when only the graph can tell (a layer it lacks)
      Path named = Files.exists(m.resolveSibling("m.lumen.json")) ? m.getParent() : m;
      refused(3, named, work(tmp, "inspect-" + models.indexOf(m)), "inspect", m.toString());
      refused(3, named, work(tmp, "predict-" + models.indexOf(m)), "predict", m.toString(), study.toString());
    }
  }

  @Test
  void badLabelFilesAreRefusedNamingTheRowOrColumn(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("images"));
    Files.copy(study, tmp.resolve("images/a.png"));
    String[] files = {
        "image,nodule,Nodule\nimages/a.png,1,0\n",            // a column twice: one would hide the other
        "image,nodule\nimages/a.png,1,1\n",                    // more values than columns
        "image,nodule\nimages/gone.png,1\n",                   // a missing study
        "image,nodule\nimages/a.png,yes\n",                    // not 0 or 1
        "image,fracture\nimages/a.png,1\n",                    // a label the model lacks
        "image,label\n\"images/a.png,nodule\n",                // broken quoting
        "image,label\n",                                       // no studies
    };
    String[] says = {"names column 'Nodule' twice", "row 2 has 3 values", "images/gone.png, which does not exist",
        "holds 'yes', not 0 or 1", "label 'fracture'", "not a readable labels CSV", "holds no studies"};
    for (int i = 0; i < files.length; i++) {
      Path file = Files.writeString(tmp.resolve("labels-" + i + ".csv"), files[i]);
      String err = refused(3, file, work(tmp, "evaluate-" + i), "evaluate", model.toString(), file.toString());
      assertTrue(err.contains(says[i]), err);
    }
  }

  @Test
  void outputsThatCannotBeWrittenAreNamedAndNothingIsLeft(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path under = file.resolve("report.json");
    refused(3, file, work(tmp, "p1"), "predict", model.toString(), study.toString(), "--json", under.toString());
    refused(3, file, work(tmp, "p2"), "predict", model.toString(), study.toString(), "--csv", under.toString());
    refused(3, file, work(tmp, "e1"), "explain", model.toString(), study.toString(), "-o", file.toString());
    refused(3, file, work(tmp, "e2"), "explain", model.toString(), study.toString(), "-o", under.toString());
    refused(3, file, work(tmp, "x1"), "export", model.toString(), "--method", "gradcam", "-o",
        file.resolve("m.onnx").toString());
    refused(3, file, work(tmp, "t1"), "train-head", model.toString(), csv.toString(), "--epochs", "5", "-o",
        file.resolve("head.onnx").toString());
    refused(3, file, work(tmp, "v1"), "evaluate", model.toString(), csv.toString(), "--json", under.toString());
    Path deep = tmp.resolve("new/parents/report.json");
    Run made = lumen("predict", model.toString(), study.toString(), "--json", deep.toString());
    assertEquals(0, made.code(), made.err());
    assertTrue(Files.isRegularFile(deep), "missing parents are created");
  }

  @Test
  void usageMistakesPrintOneLineThatPointsToHelp(@TempDir Path tmp) throws IOException {
    String[][] mistakes = {
        {"explain", model.toString(), study.toString(), "--colour", "jet", "-o", "x"},
        {"explain", model.toString(), study.toString()},
        {"predict", model.toString(), study.toString(), "-k", "three"},
        {"frobnicate"},
        {"demo-data", "--sets", "ct"},
    };
    for (String[] args : mistakes) {
      String err = refused(2, "--help", work(tmp, "u" + Arrays.asList(mistakes).indexOf(args)), args);
      assertTrue(err.contains("(see 'lumen"), err);
    }
  }

  @Test
  void valuesOutOfRangeAreRefusedWithTheRange(@TempDir Path tmp) throws IOException {
    String out = tmp.resolve("never").toString();
    String[][] cases = {
        {"alpha must be in [0, 1], got 1.5", "explain", model.toString(), study.toString(), "--alpha", "1.5", "-o", out},
        {"beta must be in [0, 1], got NaN", "explain", model.toString(), study.toString(), "--beta", "NaN", "-o", out},
        {"threshold must be in [0, 1], got 2.0", "explain", model.toString(), study.toString(), "--threshold", "2", "-o", out},
        {"--boxes must be in [0, 1], got -1.0", "explain", model.toString(), study.toString(), "--boxes", "-1", "-o", out},
        {"--views must be at least 1, got 0", "explain", model.toString(), study.toString(), "--views", "0", "-o", out},
        {"-k must be at least 1, got 0", "predict", model.toString(), study.toString(), "-k", "0"},
        {"--threshold must be in [0, 1], got 1.2", "evaluate", model.toString(), csv.toString(), "--threshold", "1.2"},
        {"--iou-threshold must be in [0, 1], got -0.5", "evaluate", model.toString(), csv.toString(), "--iou-threshold", "-0.5"},
        {"--weights must be finite and at least 0, got -1.0", "evaluate", model.toString(), csv.toString(), "--ensemble",
            model.toString(), "--weights", "2,-1"},
        {"need one value or 1", "predict", model.toString(), study.toString(), "--mean", "0.1,0.2,0.3"},
        {"target '1' is named twice (as 'nodule' too)", "explain", model.toString(), study.toString(), "-t", "nodule,1", "-o", out},
        {"--size must be in [64, 4096], got 100000", "demo-data", "--size", "100000", "-o", out},
        {"unknown method 'gradcan'", "evaluate", model.toString(), csv.toString(), "--explanations", "cam,gradcan"},
    };
    for (String[] c : cases) {
      String err = refused(c[1].equals("predict") && c[0].startsWith("need") ? 3 : 2, c[0],
          work(tmp, "r" + Arrays.asList(cases).indexOf(c)), Arrays.copyOfRange(c, 1, c.length));
      assertFalse(Files.exists(Path.of(out)), "nothing written for " + c[0]);
    }
  }

  @Test
  void exportAndTrainHeadNeverOverwriteTheirInput(@TempDir Path tmp) throws IOException {
    Path copy = Files.copy(model, tmp.resolve("m.onnx"));
    byte[] before = Files.readAllBytes(copy);
    Run export = lumen("export", copy.toString(), "-o", tmp.resolve(".").resolve("m.onnx").toString());
    assertEquals(2, export.code(), export.err());
    assertTrue(export.err().contains("is the input model"), export.err());
    Run train = lumen("train-head", copy.toString(), csv.toString(), "-o", copy.toString());
    assertEquals(2, train.code(), train.err());
    assertTrue(Arrays.equals(before, Files.readAllBytes(copy)), "the model is untouched");
  }

  @Test
  void trainHeadRefusesALabelSeenOneWayOnly(@TempDir Path tmp) throws IOException {
    Path oneClass = Files.writeString(corpus.resolve("one-class.csv"), "image,nodule,normal\nimages/a.png,1,0\n"
        + "images/b.png,1,0\nimages/a.png,1,0\n");
    Path w = work(tmp, "t");
    String err = refused(3, oneClass, w, "train-head", model.toString(), oneClass.toString(), "--validation", "0",
        "-o", w.resolve("head.onnx").toString());
    assertTrue(err.contains("among the 3 training studies 'normal' has no positive example"), err);
  }

  @Test
  void explainNeverMixesRunsInOneFolder(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("maps");
    Path study = Files.copy(BadInputTest.study, tmp.resolve("study-1-nodule.png"));
    assertEquals(0, lumen("explain", model.toString(), study.toString(), "-o", out.toString()).code());
    Run again = lumen("explain", model.toString(), study.toString(), "--method", "gradcam", "-o", out.toString());
    assertEquals(3, again.code());
    assertTrue(again.err().contains("holds files already"), again.err());
    Run other = lumen("explain", model.toString(), study.toString(), "--method", "gradcam", "--add", "-o", out.toString());
    assertEquals(3, other.code());
    assertTrue(other.err().contains("holds a run with method cam, this run has gradcam"), other.err());
    Run again2 = lumen("explain", model.toString(), study.toString(), "--add", "-o", out.toString());
    assertEquals(0, again2.code(), again2.err());
    assertTrue(again2.err().contains("holds 1 of these studies already; explaining the other 0"), again2.err());
    Path namesake = Files.copy(study, Files.createDirectories(tmp.resolve("other")).resolve(study.getFileName()));
    Run added = lumen("explain", model.toString(), namesake.toString(), "--add", "-o", out.toString());
    assertEquals(0, added.code(), added.err());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(2, manifest.get("studies").size(), "the earlier run's study is kept, the held one not repeated");
    assertEquals("study-1-nodule-2", manifest.get("studies").get(1).get("folder").asText());
    assertEquals("../other/study-1-nodule.png", manifest.get("studies").get(1).get("input").asText());
    for (JsonNode s : manifest.get("studies")) {
      assertTrue(s.get("input").asText().startsWith("../"), "inputs relative to the output folder");
      for (JsonNode e : s.get("explanations")) {
        assertTrue(Files.isRegularFile(out.resolve(e.get("map").asText())), e.toString());
      }
    }
    try (Stream<Path> files = Files.walk(out)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("partial")), "no temporary files");
    }
  }

  @Test
  void evaluateMrnetWithoutMasksSaysSoBeforeAnyWork(@TempDir Path tmp) throws IOException {
    Path data = tmp.resolve("knee");
    assertEquals(0, lumen("demo-data", "--sets", "knee", "--exams", "4", "--size", "64", "--valid", "0.5",
        "-o", tmp.toString()).code());
    dev.lumen.app.output.Folders.deleteTree(data.resolve("valid/masks"));
    Run r = evaluateMrnet(tmp, data, "--explanations", "cam");
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains(data.resolve("valid") + ": --explanations scores maps against the findings' masks"),
        r.err());
    assertFalse(Files.exists(tmp.resolve("k.lumen-exams.json")), "refused before any work");
  }

  @Test
  void evaluateMrnetRefusesALabelWhoseTrainingExamsAreAllOfOneClass(@TempDir Path tmp) throws IOException {
    // seed 2026 draws 4 training exams that are all abnormal: no plane combination fits them
    Path data = tmp.resolve("knee");
    assertEquals(0, lumen("demo-data", "--sets", "knee", "--exams", "8", "--size", "64", "--valid", "0.5",
        "--seed", "2026", "-o", tmp.toString()).code());
    Run r = evaluateMrnet(tmp, data);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains(data.resolve("train") + ": has 4 positive of 4 exams for 'abnormal'"), r.err());
    assertFalse(Files.exists(tmp.resolve("k.lumen-exams.json")), "no combination with NaN weights is written");
  }

  /** {@code lumen evaluate-mrnet DATA} with the shipped plane models, writing {@code tmp/k.lumen-exams.json}. */
  private static Run evaluateMrnet(Path tmp, Path data, String... more) throws IOException {
    Path models = Files.createDirectories(tmp.resolve("models"));
    for (String plane : List.of("axial", "coronal", "sagittal")) {
      DemoResources.copy("knee-" + plane + ".onnx", models);
      DemoResources.copy("knee-" + plane + ".lumen.json", models);
    }
    List<String> args = new java.util.ArrayList<>(List.of("evaluate-mrnet", data.toString(), "--axial",
        models.resolve("knee-axial.onnx").toString(), "--coronal", models.resolve("knee-coronal.onnx").toString(),
        "--sagittal", models.resolve("knee-sagittal.onnx").toString(), "-o", tmp.resolve("k.lumen-exams.json").toString()));
    args.addAll(List.of(more));
    return lumen(args.toArray(String[]::new));
  }

  /** A PNG whose header claims 60000 x 60000 pixels. */
  private static byte[] hugePng(byte[] png) {
    byte[] out = png.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    b.putInt(16, 60000).putInt(20, 60000);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(out, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return out;
  }

  private static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  private static byte[] doubles(double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putDouble(x);
    }
    return b.array();
  }

  private static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  private static Path npy(Path file, String dtype, long[] shape, byte[] data) throws IOException {
    Npy.write(file, dtype, shape, data);
    return file;
  }
}
