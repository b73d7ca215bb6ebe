package dev.lumen.app.cli;

import dev.lumen.app.service.StudyConversion;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumen convert}: what Lumen decodes from a study, written as .npy, .png or NIfTI. */
@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Write what Lumen decodes from STUDY (an image, a DICOM file or series folder, a NIfTI or .npy "
        + "volume) to OUT: .npy, .png (an image) or .nii/.nii.gz (a volume, with the source's affine), so you can "
        + "check exactly what a model sees; a DICOM series converts to NIfTI on the way.")
final class ConvertCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "STUDY", description = "The study: a file, or a folder holding a DICOM series.")
  Path study;

  @Parameters(index = "1", paramLabel = "OUT", description = "The file to write: .npy, .png, .nii or .nii.gz.")
  Path out;

  @Mixin
  VolumeOptions volumes;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OutputPaths.requireWritableFile(out);
    if (out.toAbsolutePath().normalize().equals(study.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("OUT is STUDY itself: give another file to write");
    }
    spec.commandLine().getOut().println(StudyConversion.convert(study, out, volumes.plane(), volumes.frame));
    return 0;
  }
}
