package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.dicom.DicomParser;
import dev.lumen.core.dicom.DicomPixels;
import dev.lumen.core.dicom.DicomSeries;
import dev.lumen.core.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PACS round trip against a real Orthanc: a study found by QIDO-RS or named by its URL is
 * retrieved with WADO-RS, explained, and its maps stored back with STOW-RS as a Segmentation and
 * a Secondary Capture in the same study — which Orthanc then holds, as its own API shows.
 */
class PacsRoundTripTest {
  private static final String CT5N = "dicomdirtests/98892001/CT5N";

  @Test
  void aStudyIsRetrievedExplainedAndItsMapsStoredBack(@TempDir Path tmp) throws Exception {
    try (Orthanc pacs = new Orthanc(Files.createDirectories(tmp.resolve("orthanc")))) {
      Path series = DicomStudiesTest.pydicomFile(CT5N);
      List<Path> files = DicomSeries.read(series).files();
      pacs.upload(files);
      pacs.upload(List.of(DicomStudiesTest.pydicomFile("CT_small.dcm")));
      String study = DicomParser.read(files.get(0)).text(0x0020_000D, "");

      Path knee = DemoFiles.copyModel("knee-sagittal", tmp);
      Path out = tmp.resolve("series");
      CliTest.Run run = CliTest.lumen("explain", knee.toString(), pacs.dicomWeb() + "/studies/" + study, "-o",
          out.toString(), "--target", "acl", "--stow");
      assertEquals(0, run.code(), run.err());
      assertTrue(run.err().contains("stored 2 DICOM objects"), run.err());
      JsonNode entry = new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("studies").get(0);
      assertTrue(entry.get("input").asText().startsWith(pacs.dicomWeb() + "/studies/" + study + "/series/"),
          entry.toString());
      float[] map = Npy.read(out.resolve(entry.get("explanations").get(0).get("map").asText())).tensor().unsafeData();

      List<byte[]> segmentations = pacs.instancesOf("SEG");
      assertEquals(1, segmentations.size(), "Orthanc holds the segmentation");
      Path seg = Files.write(tmp.resolve("stored.seg.dcm"), segmentations.get(0));
      assertEquals(study, DicomParser.read(seg).text(0x0020_000D, ""), "in the source's study");
      float[] segment = DicomPixels.of(DicomParser.read(seg)).values();
      for (int i = 0; i < map.length; i++) {
        assertEquals(map[i] >= 0.5f ? 1f : 0f, segment[i], "pixel " + i);
      }
      assertEquals(1, pacs.instancesOf("OT").size(), "and the secondary capture");

      // asked again, the study's own series is explained and Lumen's are not
      CliTest.Run again = CliTest.lumen("explain", knee.toString(), pacs.dicomWeb() + "/studies/" + study, "-o",
          tmp.resolve("again").toString(), "--target", "acl");
      assertEquals(0, again.code(), again.err());
      assertEquals(1, new ObjectMapper().readTree(tmp.resolve("again/manifest.json").toFile()).get("studies").size());

      // a 2D model explains each instance QIDO-RS finds
      Path chest = DemoFiles.copyModel("chest-demo", tmp);
      String patient = DicomParser.read(DicomStudiesTest.pydicomFile("CT_small.dcm")).text(0x0010_0020, "");
      CliTest.Run found = CliTest.lumen("explain", chest.toString(), pacs.dicomWeb() + "/studies?PatientID="
          + patient, "-o", tmp.resolve("found").toString(), "--method", "gradcam");
      assertEquals(0, found.code(), found.err());
      JsonNode studies = new ObjectMapper().readTree(tmp.resolve("found/manifest.json").toFile()).get("studies");
      assertEquals(1, studies.size());
      assertTrue(studies.get(0).get("input").asText().contains("/instances/"), studies.toString());
    }
  }

  @Test
  void aServerThatFailsIsAOneLineErrorNamingTheRequest(@TempDir Path tmp) throws Exception {
    Path chest = DemoFiles.copyModel("chest-demo", tmp);
    try (Orthanc pacs = new Orthanc(Files.createDirectories(tmp.resolve("orthanc")))) {
      CliTest.Run missing = CliTest.lumen("explain", chest.toString(), pacs.dicomWeb() + "/studies/1.2.3.4", "-o",
          tmp.resolve("a").toString());
      assertEquals(3, missing.code(), missing.err());
      assertTrue(missing.err().trim().lines().count() == 1 && missing.err().contains("/studies/1.2.3.4: QIDO-RS finds no series"),
          missing.err());
      CliTest.Run none = CliTest.lumen("explain", chest.toString(), pacs.dicomWeb() + "/studies?PatientID=nobody",
          "-o", tmp.resolve("b").toString());
      assertEquals(3, none.code(), none.err());
      assertTrue(none.err().contains("QIDO-RS finds no study"), none.err());
      CliTest.Run local = CliTest.lumen("explain", chest.toString(), DicomStudiesTest.pydicomFile("CT_small.dcm")
          .toString(), "-o", tmp.resolve("c").toString(), "--stow");
      assertEquals(3, local.code(), local.err());
      assertTrue(local.err().contains("is a local study"), local.err());
    }
    CliTest.Run closed = CliTest.lumen("explain", chest.toString(), "http://127.0.0.1:9/dicom-web/studies/1.2", "-o",
        tmp.resolve("d").toString());
    assertEquals(3, closed.code(), closed.err());
    assertTrue(closed.err().contains("cannot be reached"), closed.err());
  }
}
