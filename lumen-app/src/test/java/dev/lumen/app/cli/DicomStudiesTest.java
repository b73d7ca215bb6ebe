package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.image.Images;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DICOM files (pydicom's test data) through the command line: predicted, explained, or refused by name. */
class DicomStudiesTest {
  /** A file of pydicom's test data, where the references say it is. */
  static Path pydicomFile(String name) throws IOException {
    Path references = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"));
    return Path.of(Files.readString(references.resolve("source.txt")).trim()).resolve(name);
  }

  @Test
  void aDicomStudyIsPredictedAndExplainedAsItsWindowedImage(@TempDir Path tmp) throws IOException {
    Path model = DemoFiles.copyModel("chest-demo", tmp);
    Path ct = pydicomFile("CT_small.dcm");
    Path json = tmp.resolve("p.json");
    CliTest.Run p = CliTest.lumen("predict", model.toString(), ct.toString(), "--json", json.toString());
    assertEquals(0, p.code(), p.err());
    JsonNode predicted = new ObjectMapper().readTree(json.toFile());
    try (Model m = Model.load(model)) {
      var expected = m.predict(Images.read(ct));
      for (int l = 0; l < m.labels().size(); l++) {
        assertEquals(expected.score(l).probability(), predicted.get(0).get("scores").get(l).get("probability")
            .floatValue(), 1e-6f, predicted.toString());
      }
    }
    Path out = tmp.resolve("maps");
    CliTest.Run e = CliTest.lumen("explain", model.toString(), pydicomFile("MR_small.dcm").toString(), "-o",
        out.toString(), "--method", "gradcam");
    assertEquals(0, e.code(), e.err());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(1, manifest.get("studies").size());
  }

  @Test
  void aSyntaxLumenDoesNotDecodeIsAOneLineErrorNamingTheFileAndTheSyntax() throws IOException {
    Path model = DemoFiles.copyModel("chest-demo", Files.createTempDirectory("lumen-dicom"));
    Path jpegLs = pydicomFile("MR_small_jpeg_ls_lossless.dcm");
    CliTest.Run r = CliTest.lumen("predict", model.toString(), jpegLs.toString());
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().trim().lines().count() == 1 && r.err().contains(jpegLs.toString())
        && r.err().contains("JPEG-LS Lossless (1.2.840.10008.1.2.4.80)"), r.err());
  }

  @Test
  void aFolderHoldingADicomSeriesIsOneExamOfAVolumeModel(@TempDir Path tmp) throws IOException {
    Path model = DemoFiles.copyModel("knee-sagittal", tmp);
    Path series = pydicomFile("dicomdirtests/98892001/CT5N");
    Path out = tmp.resolve("maps");
    CliTest.Run e = CliTest.lumen("explain", model.toString(), series.toString(), "-o", out.toString(), "--method",
        "cam", "--target", "acl");
    assertEquals(0, e.code(), e.err());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertEquals(1, manifest.get("studies").size(), "the folder is one exam");
    Path map = out.resolve(manifest.get("studies").get(0).get("explanations").get(0).get("map").asText());
    assertEquals(5, dev.lumen.core.io.Npy.read(map).tensor().dim(0), "one map per slice of the series");
    CliTest.Run mixed = CliTest.lumen("predict", model.toString(), pydicomFile("dicomdirtests/98892003/MR1").toString());
    assertEquals(3, mixed.code(), mixed.err());
    assertTrue(mixed.err().contains("holds 3 series"), mixed.err());
  }

  /**
   * {@code --dicom} writes per map a Segmentation of the region at the threshold and the overlays as a
   * Secondary Capture, in the source's study: for a series (a frame per slice, in the map's order) and
   * for a compressed image; a study that is not DICOM is refused before any work.
   */
  @Test
  void dicomObjectsOfTheMapsJoinTheSourcesStudy(@TempDir Path tmp) throws IOException {
    Path knee = DemoFiles.copyModel("knee-sagittal", tmp);
    Path series = pydicomFile("dicomdirtests/98892001/CT5N");
    Path out = tmp.resolve("series");
    CliTest.Run e = CliTest.lumen("explain", knee.toString(), series.toString(), "-o", out.toString(), "--target",
        "acl", "--dicom", "--dicom-threshold", "0.4");
    assertEquals(0, e.code(), e.err());
    JsonNode entry = new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("studies").get(0)
        .get("explanations").get(0);
    float[] map = dev.lumen.core.io.Npy.read(out.resolve(entry.get("map").asText())).tensor().unsafeData();
    var seg = dev.lumen.core.dicom.DicomParser.read(out.resolve(entry.get("dicom").get("segmentation").asText()));
    float[] segment = dev.lumen.core.dicom.DicomPixels.of(seg).values();
    assertEquals(map.length, segment.length, "a frame per slice");
    for (int i = 0; i < map.length; i++) {
      assertEquals(map[i] >= 0.4f ? 1f : 0f, segment[i], "pixel " + i);
    }
    var source = dev.lumen.core.dicom.DicomParser.read(dev.lumen.core.dicom.DicomSeries.read(series).files().get(0));
    assertEquals(source.text(0x0020_000D, "?"), seg.text(0x0020_000D, ""), "the source's study");
    var sc = dev.lumen.core.dicom.DicomPixels.of(dev.lumen.core.dicom.DicomParser.read(
        out.resolve(entry.get("dicom").get("secondaryCapture").asText())));
    assertEquals(5, sc.frames());

    Path chest = DemoFiles.copyModel("chest-demo", tmp);
    Path j2k = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"), "encoded",
        "MR_small.j2k.dcm");
    CliTest.Run image = CliTest.lumen("explain", chest.toString(), j2k.toString(), "-o", tmp.resolve("image")
        .toString(), "--method", "gradcam", "--dicom");
    assertEquals(0, image.code(), image.err());
    Path png = tmp.resolve("study.png");
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
        "png", png.toFile());
    CliTest.Run refused = CliTest.lumen("explain", chest.toString(), png.toString(), "-o", tmp.resolve("png")
        .toString(), "--dicom");
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("not a DICOM image or series") && !Files.exists(tmp.resolve("png")),
        refused.err());
  }

  /**
   * A DICOMDIR that dcmtk's dcmmkdir writes over a copy of a series (files renamed as on a CD) is
   * the same exam as the series' folder; pydicom's, over 13 series, is refused listing them.
   */
  @Test
  void aDicomdirIsTheExamOfTheSeriesItReferences(@TempDir Path tmp) throws Exception {
    Path model = DemoFiles.copyModel("knee-sagittal", tmp);
    Path series = pydicomFile("dicomdirtests/98892001/CT5N");
    Path media = Files.createDirectories(tmp.resolve("media/CT"));
    int n = 0;
    try (var files = Files.list(series)) {
      for (Path f : files.sorted().toList()) {
        Files.copy(f, media.resolve("IM" + (++n)));
      }
    }
    Process mkdir = new ProcessBuilder("/usr/bin/dcmmkdir", "--recurse", "+id", tmp.resolve("media").toString(),
        "--output-file", tmp.resolve("media/DICOMDIR").toString(), "CT").directory(tmp.resolve("media").toFile())
        .redirectErrorStream(true).start();
    String said = new String(mkdir.getInputStream().readAllBytes());
    assertEquals(0, mkdir.waitFor(), said);
    CliTest.Run fromDir = CliTest.lumen("predict", model.toString(), tmp.resolve("media/DICOMDIR").toString());
    CliTest.Run fromFolder = CliTest.lumen("predict", model.toString(), series.toString());
    assertEquals(0, fromDir.code(), fromDir.err());
    assertEquals(fromFolder.out().lines().skip(1).toList(), fromDir.out().lines().skip(1).toList(), fromDir.out());
    CliTest.Run many = CliTest.lumen("predict", model.toString(), pydicomFile("dicomdirtests/DICOMDIR").toString());
    assertEquals(3, many.code(), many.err());
    assertTrue(many.err().contains("holds 13 series"), many.err());
  }

  @Test
  void aNiftiVolumeIsAnExamOfAVolumeModel(@TempDir Path tmp) throws IOException {
    Path model = DemoFiles.copyModel("knee-sagittal", tmp);
    Path references = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"));
    Path anatomical = Path.of(Files.readAllLines(references.resolve("nifti.tsv")).get(0).split("\t")[0]);
    Path out = tmp.resolve("maps");
    CliTest.Run e = CliTest.lumen("explain", model.toString(), anatomical.toString(), "-o", out.toString(), "--method",
        "cam", "--target", "acl");
    assertEquals(0, e.code(), e.err());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    Path map = out.resolve(manifest.get("studies").get(0).get("explanations").get(0).get("map").asText());
    assertEquals(25, dev.lumen.core.io.Npy.read(map).tensor().dim(0), "one map per z slice of the 33x41x25 volume");
    Path fourD = Path.of(Files.readAllLines(references.resolve("nifti.tsv")).get(1).split("\t")[0]);
    CliTest.Run refused = CliTest.lumen("predict", model.toString(), fourD.toString());
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("holds 2 volumes"), refused.err());
  }

  @Test
  void aGivenWindowIsWhatTheModelSeesAndTheManifestSays(@TempDir Path tmp) throws IOException {
    Path model = DemoFiles.copyModel("chest-demo", tmp);
    Path ct = pydicomFile("CT_small.dcm");
    Path json = tmp.resolve("p.json");
    CliTest.Run p = CliTest.lumen("predict", model.toString(), ct.toString(), "--voi", "40,80", "--json",
        json.toString());
    assertEquals(0, p.code(), p.err());
    JsonNode predicted = new ObjectMapper().readTree(json.toFile());
    try (Model m = Model.load(model)) {
      var given = m.predict(Images.read(ct, dev.lumen.core.dicom.DicomImages.Window.given("40,80")));
      var own = m.predict(Images.read(ct));
      for (int l = 0; l < m.labels().size(); l++) {
        assertEquals(given.score(l).probability(), predicted.get(0).get("scores").get(l).get("probability")
            .floatValue(), 1e-6f);
      }
      float[] a = Images.read(ct, dev.lumen.core.dicom.DicomImages.Window.given("40,80")).pixels().unsafeData();
      float[] b = Images.read(ct).pixels().unsafeData();
      assertTrue(!java.util.Arrays.equals(a, b), "the given window changes what the model sees");
    }
    Path out = tmp.resolve("maps");
    CliTest.Run e = CliTest.lumen("explain", model.toString(), ct.toString(), "-o", out.toString(), "--voi",
        "40,80");
    assertEquals(0, e.code(), e.err());
    assertEquals("given 40,80", new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("dicomWindow")
        .asText());
    CliTest.Run bad = CliTest.lumen("predict", model.toString(), ct.toString(), "--voi", "40");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--voi takes CENTRE,WIDTH"), bad.err());
  }
}
