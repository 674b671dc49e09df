using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using SyfalaGraph.Abstractions.Devices;
using SyfalaGraph.Engine.Plugins;

namespace SyfalaGraph.Cli.Commands;

/// <summary>
/// <c>syfala-graph devices</c>: what every loaded backend can reach (PortAudio devices, JACK ports…), grouped by
/// backend then by host API or client. A backend that cannot be listed (no server running, library missing) shows
/// its problem; that is not a failure. A table on a terminal, plain lines otherwise, JSON with <c>--json</c>.
/// </summary>
internal static class DevicesCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        Option<string?> plugins = CommonOptions.Plugins();
        Option<bool> verbose = CommonOptions.Verbose();
        Option<bool> json = new("--json") { Description = "Print JSON (backend, plugin, problem, devices) instead of a table" };
        var command = new Command("devices", "List the audio devices and ports the loaded backends can reach") { plugins, verbose, json };
        command.SetAction(parse =>
        {
            using var host = CliServices.BuildHost(parse.GetValue(verbose));
            using PluginHost pluginHost = CliServices.LoadPlugins(host, parse.GetValue(plugins));
            var registry = host.Services.GetRequiredService<NodeTypeRegistry>();
            if (registry.DeviceCatalogs.Count == 0)
            {
                Console.Error.WriteLine($"no plugin in {pluginHost.PluginsDirectory} lists devices (no IDeviceCatalog found)");
                return ExitCodes.RuntimeFailure;
            }

            List<BackendListing> listings = [.. registry.DeviceCatalogs.Select(ListOne)];
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(listings, Json));
            }
            else if (Console.IsOutputRedirected)
            {
                PrintPlain(listings);
            }
            else
            {
                PrintTables(listings);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates the catalog, lists it and drops it; a catalog that throws is shown as a problem, not a crash.</summary>
    private static BackendListing ListOne(PluginTypeDescriptor<IDeviceCatalog> descriptor)
    {
        string backend = descriptor.ImplementationType.Name;
        try
        {
            IDeviceCatalog catalog = descriptor.Create();
            backend = catalog.Backend;
            DeviceListing listing = catalog.List();
            return new BackendListing(backend, descriptor.PluginName, listing.Problem, listing.Devices);
        }
        catch (Exception ex)
        {
            return new BackendListing(backend, descriptor.PluginName, $"listing failed: {ex.GetType().Name}: {ex.Message}", []);
        }
    }

    private static void PrintPlain(List<BackendListing> listings)
    {
        foreach (BackendListing b in listings)
        {
            Console.WriteLine($"{b.Backend}  [{b.Plugin}]");
            if (b.Problem is not null)
            {
                Console.WriteLine($"  problem: {b.Problem}");
            }

            foreach (IGrouping<string, DeviceInfo> group in b.Devices.GroupBy(d => d.Group))
            {
                Console.WriteLine($"  {group.Key}");
                foreach (DeviceInfo d in group)
                {
                    Console.WriteLine($"    {d.Name}  {d.InputChannels} in, {d.OutputChannels} out{Rate(d, ", ")}{(string.IsNullOrEmpty(d.Details) ? "" : ", " + d.Details)}");
                }
            }

            Console.WriteLine();
        }
    }

    private static void PrintTables(List<BackendListing> listings)
    {
        IAnsiConsole console = AnsiConsole.Console;
        foreach (BackendListing b in listings)
        {
            var table = new Table().Title($"[bold]{Markup.Escape(b.Backend)}[/] [grey]({Markup.Escape(b.Plugin)})[/]")
                .AddColumn("Group").AddColumn("Device").AddColumn(new TableColumn("In").RightAligned())
                .AddColumn(new TableColumn("Out").RightAligned()).AddColumn(new TableColumn("Rate (Hz)").RightAligned()).AddColumn("Details");
            foreach (DeviceInfo d in b.Devices)
            {
                table.AddRow(Markup.Escape(d.Group), Markup.Escape(d.Name), d.InputChannels.ToString(CultureInfo.InvariantCulture),
                    d.OutputChannels.ToString(CultureInfo.InvariantCulture), Rate(d, ""), Markup.Escape(d.Details ?? ""));
            }

            if (b.Devices.Count > 0)
            {
                console.Write(table);
            }
            else
            {
                console.MarkupLine($"[bold]{Markup.Escape(b.Backend)}[/] [grey]({Markup.Escape(b.Plugin)})[/]: no devices");
            }

            if (b.Problem is not null)
            {
                console.MarkupLine($"  [yellow]problem:[/] {Markup.Escape(b.Problem)}");
            }

            console.WriteLine();
        }
    }

    private static string Rate(DeviceInfo d, string prefix) =>
        d.DefaultSampleRate is double r ? prefix + r.ToString("0.###", CultureInfo.InvariantCulture) + (prefix.Length > 0 ? " Hz" : "") : "";

    /// <summary>One backend's answer, as printed (and serialised by <c>--json</c>).</summary>
    private sealed record BackendListing(string Backend, string Plugin, string? Problem, IReadOnlyList<DeviceInfo> Devices);
}
