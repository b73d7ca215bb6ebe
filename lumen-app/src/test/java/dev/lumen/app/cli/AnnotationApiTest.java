package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumen.app.annotate.Region;
import dev.lumen.core.image.Images;
import dev.lumen.core.io.Npy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** Annotations over the real API: versions kept, conflicting edits refused, masks exported for {@code lumen evaluate}. */
class AnnotationApiTest extends ServerTestBase {
  private static String polygon(String label, String author) {
    return "{\"slice\": 0, \"label\": \"" + label + "\", \"shape\": \"polygon\", \"points\": [[40, 60], [120, 50], "
        + "[100, 140]], \"note\": \"round, 8 mm\", \"author\": \"" + author + "\"}";
  }

  @Test
  void anEditMakesANewVersionAndKeepsTheOldOne() throws Exception {
    String study = api.studyId("study-5-opacity.png");
    JsonNode first = api.json("POST", "/api/studies/" + study + "/annotations", polygon("opacity", "dr. a"), 201);
    String id = first.get("id").asText();
    assertEquals(1, first.get("version").asInt());
    assertEquals("[[40.0,60.0],[120.0,50.0],[100.0,140.0]]", first.get("points").toString());
    String edit = "{\"version\": 1, \"slice\": 0, \"label\": \"opacity\", \"shape\": \"box\", \"box\": [30, 40, 130, 150], "
        + "\"note\": \"larger than first drawn\", \"author\": \"dr. b\"}";
    JsonNode second = api.json("PUT", "/api/annotations/" + id, edit, 200);
    assertEquals(2, second.get("version").asInt());
    assertEquals("box", second.get("shape").asText());
    // a second editor who still sees version 1 must not overwrite version 2
    JsonNode conflict = api.json("PUT", "/api/annotations/" + id, edit, 409);
    assertTrue(conflict.get("detail").asText().contains("is at version 2, not 1"), conflict.toString());
    JsonNode versions = api.json("GET", "/api/annotations/" + id + "/versions", null, 200);
    assertEquals(2, versions.size());
    assertEquals(first.toString(), versions.get(0).toString(), "version 1 is kept as it was");
    assertEquals("dr. b", versions.get(1).get("author").asText());
    assertEquals(1, api.json("GET", "/api/studies/" + study + "/annotations", null, 200).size());
    JsonNode deleted = api.json("DELETE", "/api/annotations/" + id + "?version=2&author=dr.%20a", null, 200);
    assertTrue(deleted.get("deleted").asBoolean());
    assertEquals(3, deleted.get("version").asInt());
    assertEquals(0, api.json("GET", "/api/studies/" + study + "/annotations", null, 200).size());
    assertEquals(3, api.json("GET", "/api/annotations/" + id + "/versions", null, 200).size());
    api.json("PUT", "/api/annotations/" + id, edit.replace("\"version\": 1", "\"version\": 3"), 409);
  }

  @Test
  void aLabelsMaskIsTheUnionOfItsRegions() throws Exception {
    String study = api.studyId("study-3-normal.png");
    api.json("POST", "/api/studies/" + study + "/annotations", "{\"slice\": 0, \"label\": \"rib\", \"shape\": \"box\", "
        + "\"box\": [10, 20, 30, 50], \"author\": \"dr. a\"}", 201);
    api.json("POST", "/api/studies/" + study + "/annotations", "{\"slice\": 0, \"label\": \"rib\", \"shape\": \"mask\", "
        + "\"runs\": [5120, 10], \"author\": \"dr. a\"}", 201);
    Path file = Files.write(data.resolve("rib.npy"), api.send("GET", "/api/studies/" + study + "/masks/rib", null).body());
    float[] mask = Npy.read(file).tensor().unsafeData();
    assertEquals(List.of(1L, 256L, 256L), java.util.Arrays.stream(Npy.read(file).tensor().shape()).boxed().toList());
    int inside = 0;
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        boolean expected = (x >= 10 && x < 30 && y >= 20 && y < 50) || (y == 20 && x < 10);
        assertEquals(expected ? 1f : 0f, mask[y * 256 + x], x + "," + y);
        inside += expected ? 1 : 0;
      }
    }
    assertEquals(20 * 30 + 10, inside);
    api.json("GET", "/api/studies/" + study + "/masks/clavicle", null, 404);
  }

  @Test
  void theExportIsADatasetThatLumenEvaluateScoresMapsAgainst() throws Exception {
    String nodule = api.studyId("study-1-nodule.png");
    String opacity = api.studyId("study-2-opacity.png");
    api.json("POST", "/api/studies/" + nodule + "/annotations", polygon("nodule", "dr. a"), 201);
    api.json("POST", "/api/studies/" + opacity + "/annotations", "{\"slice\": 0, \"label\": \"opacity\", "
        + "\"shape\": \"box\", \"box\": [60, 80, 200, 220], \"author\": \"dr. a\"}", 201);
    HttpResponse<byte[]> zip = api.send("GET", "/api/exports/annotations.zip?study=" + nodule + "&study=" + opacity, null);
    assertEquals(200, zip.statusCode(), new String(zip.body()));
    Path out = unzip(zip.body(), Files.createDirectories(data.resolve("export")));
    List<String> csv = Files.readAllLines(out.resolve("labels.csv"));
    assertEquals("image,nodule,opacity,mask:nodule,mask:opacity", csv.get(0));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(1).matches("studies/" + nodule + "-study-1-nodule\\.png,1,0,masks/" + nodule + "-nodule\\.png,"),
        csv.get(1));
    float[] drawn = Images.read(out.resolve("masks/" + nodule + "-nodule.png")).pixels().unsafeData();
    boolean[] expected = new Region.Polygon(List.of(new double[] {40, 60}, new double[] {120, 50},
        new double[] {100, 140})).raster(256, 256);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i] ? 255f : 0f, drawn[i], "mask pixel " + i);
    }
    assertTrue(Files.readAllBytes(out.resolve("studies/" + nodule + "-study-1-nodule.png")).length > 1000);
    CliTest.Run run = CliTest.lumen("evaluate", data.resolve("demo/chest-demo.onnx").toString(),
        out.resolve("labels.csv").toString(), "--explanations", "cam");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().matches("(?s).*cam\\s+nodule\\s+cases\\s+1 .*"), run.out());
    assertTrue(run.out().matches("(?s).*cam\\s+opacity\\s+cases\\s+1 .*"), run.out());
  }

  /** An annotated knee exam goes to volumes.csv with a mask volume, which {@code lumen evaluate} scores against. */
  @Test
  void anExportedExamIsADatasetThatLumenEvaluateScoresMapsAgainst() throws Exception {
    Path knee = data.resolve("knee");
    dev.lumen.app.demodata.KneeDataset.write(knee, 2, 11, 64, 0.5);
    Path exam;
    try (var files = Files.list(knee.resolve("train/sagittal"))) {
      exam = files.sorted().findFirst().orElseThrow();
    }
    HttpResponse<byte[]> uploaded = api.send("POST", "/api/studies?name=knee-exam.npy", Files.readAllBytes(exam));
    assertEquals(201, uploaded.statusCode(), new String(uploaded.body()));
    String id = TestServer.JSON.readTree(uploaded.body()).get("id").asText();
    api.json("POST", "/api/studies/" + id + "/annotations", "{\"slice\": 5, \"label\": \"acl\", \"shape\": \"box\", "
        + "\"box\": [20, 20, 40, 44], \"author\": \"dr. a\"}", 201);
    HttpResponse<byte[]> zip = api.send("GET", "/api/exports/annotations.zip?study=" + id, null);
    assertEquals(200, zip.statusCode(), new String(zip.body()));
    Path out = unzip(zip.body(), Files.createDirectories(data.resolve("exam-export")));
    List<String> csv = Files.readAllLines(out.resolve("volumes.csv"));
    assertEquals("image,acl,mask:acl", csv.get(0));
    CliTest.Run run = CliTest.lumen("evaluate", data.resolve("demo/knee-sagittal.onnx").toString(),
        out.resolve("volumes.csv").toString(), "--explanations", "cam", "--quality", "hit-rate");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().matches("(?s).*cam\\s+acl\\s+cases\\s+1 .*hitRate.*"), run.out());
  }

  /** An uploaded DICOM series is exported as the folder of its files, which {@code lumen evaluate} reads. */
  @Test
  void anExportedSeriesIsAFolderThatLumenEvaluateReads() throws Exception {
    Path folder = DicomStudiesTest.pydicomFile("dicomdirtests/98892001/CT5N");
    HttpResponse<byte[]> uploaded = api.send("POST", "/api/studies?name=ct5n.zip", ServerTest.seriesZip(folder, null));
    assertEquals(201, uploaded.statusCode(), new String(uploaded.body()));
    String id = TestServer.JSON.readTree(uploaded.body()).get("id").asText();
    api.json("POST", "/api/studies/" + id + "/annotations", "{\"slice\": 2, \"label\": \"acl\", \"shape\": \"box\", "
        + "\"box\": [2, 2, 12, 12], \"author\": \"dr. a\"}", 201);
    Path out = unzip(api.send("GET", "/api/exports/annotations.zip?study=" + id, null).body(),
        Files.createDirectories(data.resolve("series-export")));
    List<String> csv = Files.readAllLines(out.resolve("volumes.csv"));
    Path exported = out.resolve(csv.get(1).split(",")[0]);
    assertTrue(Files.isDirectory(exported), csv.toString());
    assertEquals(dev.lumen.core.dicom.DicomSeries.read(folder).position().stream().map(java.util.Arrays::toString)
        .toList(), dev.lumen.core.dicom.DicomSeries.read(exported).position().stream().map(java.util.Arrays::toString)
        .toList(), "the same slices");
    CliTest.Run run = CliTest.lumen("evaluate", data.resolve("demo/knee-sagittal.onnx").toString(),
        out.resolve("volumes.csv").toString(), "--explanations", "cam", "--quality", "hit-rate");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().matches("(?s).*cam\\s+acl\\s+cases\\s+1 .*hitRate.*"), run.out());
  }

  @Test
  void everyStoredMapOfTheLabelIsScoredAgainstTheAnnotation() throws Exception {
    String study = api.studyId("study-4-nodule.png");
    api.json("POST", "/api/studies/" + study + "/annotations", polygon("nodule", "dr. a"), 201);
    String request = "{\"model\": \"" + api.modelId("chest-demo.onnx") + "\", \"study\": \"" + study
        + "\", \"method\": \"gradcam\", \"labels\": [\"nodule\"]}";
    JsonNode queued = api.json("POST", "/api/explanations", request, 202);
    assertEquals("done", api.waitFor(queued.get("job").get("id").asText()).get("state").asText());
    JsonNode e = api.json("POST", "/api/explanations", request, 200).get("explanations").get(0);
    JsonNode rows = api.json("GET", "/api/studies/" + study + "/agreement?label=nodule&threshold=0.4", null, 200);
    assertEquals(1, rows.size(), rows.toString());
    float[] heat = Npy.read(Files.write(data.resolve("agree-map.npy"), api.send("GET", e.get("files").get("map").asText(),
        null).body())).tensor().unsafeData();
    float[] region = Npy.read(Files.write(data.resolve("agree-mask.npy"), api.send("GET", "/api/studies/" + study
        + "/masks/nodule", null).body())).tensor().unsafeData();
    JsonNode row = rows.get(0);
    assertEquals("gradcam", row.get("method").asText());
    assertEquals(dev.lumen.core.metrics.MapAgreement.energyInside(heat, region), row.get("energyInside").asDouble(), 1e-9);
    assertEquals(dev.lumen.core.metrics.MapAgreement.iou(heat, region, 0.4), row.get("iou").asDouble(), 1e-9);
    assertEquals(dev.lumen.core.metrics.MapAgreement.pointingHit(heat, region, 256,
        dev.lumen.core.metrics.MapAgreement.pointingTolerance(256)) ? 1.0 : 0.0, row.get("pointingGame").asDouble());
    api.json("GET", "/api/studies/" + study + "/agreement?label=effusion", null, 404);
  }

  @Test
  void badAnnotationsAreRefusedNamingTheField() throws Exception {
    String study = api.studyId("study-6-normal.png");
    String base = "/api/studies/" + study + "/annotations";
    String[][] cases = {
        {base, "{\"slice\": 1, \"label\": \"x\", \"shape\": \"box\", \"box\": [0, 0, 5, 5], \"author\": \"a\"}", "400",
            "'slice' must be in [0, 0]"},
        {base, "{\"slice\": 0, \"label\": \"../x\", \"shape\": \"box\", \"box\": [0, 0, 5, 5], \"author\": \"a\"}", "400",
            "'label' is 1 to 100"},
        {base, "{\"slice\": 0, \"label\": \"x\", \"shape\": \"box\", \"box\": [0, 0, 300, 5], \"author\": \"a\"}", "400",
            "lies outside the 256x256 slice"},
        {base, "{\"slice\": 0, \"label\": \"x\", \"shape\": \"box\", \"box\": [0, 0, 5, 5]}", "400", "give the 'author'"},
        {base, "{\"slice\": 0, \"label\": \"x\", \"shape\": \"circle\", \"box\": [0, 0, 5, 5], \"author\": \"a\"}",
            "400", "unknown shape 'circle'"},
        {base, "{\"slice\": 0, \"label\": \"x\", \"shape\": \"box\", \"box\": [0, 0, 5, 5], \"colour\": 1, \"author\": \"a\"}",
            "400", "unknown field 'colour'"},
        {base, "{\"slice\": 0, \"label\": \"x\", \"shape\": \"mask\", \"runs\": [0, 70000], \"author\": \"a\"}", "400",
            "mask runs reach pixel 70000"},
        {"/api/studies/nope/annotations", "{\"slice\": 0, \"label\": \"x\", \"shape\": \"box\", \"box\": [0, 0, 5, 5], "
            + "\"author\": \"a\"}", "404", "no study 'nope'"},
    };
    for (String[] c : cases) {
      JsonNode error = api.json("POST", c[0], c[1], Integer.parseInt(c[2]));
      assertTrue(error.get("detail").asText().contains(c[3]), c[1] + " -> " + error);
    }
    api.json("GET", "/api/annotations/nope", null, 404);
    api.json("DELETE", "/api/annotations/nope?version=1&author=a", null, 404);
    assertFalse(api.json("GET", base, null, 200).elements().hasNext(), "nothing was stored");
  }

  private static Path unzip(byte[] zip, Path dir) throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = dir.resolve(e.getName()).normalize();
        assertTrue(target.startsWith(dir), e.getName());
        Files.createDirectories(target.getParent());
        Files.write(target, in.readAllBytes());
      }
    }
    return dir;
  }
}
