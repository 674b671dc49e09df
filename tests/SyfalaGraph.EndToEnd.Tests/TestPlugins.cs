using SyfalaGraph.Tests;

namespace SyfalaGraph.EndToEnd.Tests;

/// <summary>Builds the test plugin projects (<c>tests/ExamplePlugin</c>, <c>tests/MinimalPlugin</c>) into folders of a plugins directory, as a user drops a plugin in.</summary>
internal static class TestPlugins
{
    /// <summary>Builds <c>tests/<paramref name="project"/></c> into <paramref name="pluginsDirectory"/>/<paramref name="folder"/>.</summary>
    public static void BuildInto(string project, string pluginsDirectory, string folder)
    {
        string path = Path.Combine(RepoPaths.Root, "tests", project);
        TestAudio.Run("dotnet", $"build \"{path}\" -o \"{Path.Combine(pluginsDirectory, folder)}\" -c {RepoPaths.Configuration} -p:BuildProjectReferences=false -nologo -v q");
    }

    /// <summary>Copies one of the built repository plugins (Core, File…) from the CLI's plugins folder.</summary>
    public static void CopyBuilt(string name, string pluginsDirectory)
    {
        string from = Path.Combine(RepoPaths.CliPlugins, name);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(pluginsDirectory, name, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
        }
    }
}
