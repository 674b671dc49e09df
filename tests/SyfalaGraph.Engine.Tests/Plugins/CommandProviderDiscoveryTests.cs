using SyfalaGraph.Abstractions.Commands;
using SyfalaGraph.Engine.Plugins;
using SyfalaGraph.Tests;

namespace SyfalaGraph.Engine.Tests.Plugins;

/// <summary>A command provider the registry must find: public, concrete, parameterless constructor.</summary>
public sealed class DiscoverableCommands : ICommandProvider
{
    public IReadOnlyList<PluginCommand> Commands { get; } = [new PluginCommand("test-tool", "A test command") { Handler = _ => Task.FromResult(0) }];
}

/// <summary>Not found: needs an argument.</summary>
public sealed class CommandsWithArguments(string name) : ICommandProvider
{
    public IReadOnlyList<PluginCommand> Commands { get; } = [new PluginCommand(name, "")];
}

public class CommandProviderDiscoveryTests
{
    [Fact]
    public void Only_public_concrete_providers_with_a_parameterless_constructor_are_registered_and_removed_with_their_plugin()
    {
        var registry = new NodeTypeRegistry();
        registry.AddAssembly(typeof(DiscoverableCommands).Assembly, "tests");
        PluginTypeDescriptor<ICommandProvider> d = Assert.Single(registry.CommandProviders);
        Assert.Equal(typeof(DiscoverableCommands), d.ImplementationType);
        Assert.Equal("test-tool", Assert.Single(d.Create().Commands).Name);
        registry.AddAssembly(typeof(DiscoverableCommands).Assembly, "tests");
        Assert.Single(registry.CommandProviders);
        registry.RemovePlugin("tests");
        Assert.Empty(registry.CommandProviders);
        Assert.Equal("x", new CommandsWithArguments("x").Commands[0].Name);
    }

    [Fact]
    public void The_syfala_plugin_contributes_syfala_discover_and_probe()
    {
        string dir = RepoPaths.NewTempDir("plugins");
        PluginHostTests.CopyDirectory(Path.Combine(RepoPaths.CliPlugins, "Syfala"), Path.Combine(dir, "Syfala"));
        var registry = new NodeTypeRegistry();
        using var host = new PluginHost(dir, registry);
        Assert.Empty(host.LoadAll());
        PluginTypeDescriptor<ICommandProvider> d = Assert.Single(registry.CommandProviders);
        PluginCommand syfala = Assert.Single(d.Create().Commands);
        Assert.Equal("syfala", syfala.Name);
        Assert.Equal(["discover", "probe"], syfala.Subcommands.Select(c => c.Name));
        Assert.Equal("server", Assert.Single(syfala.Subcommands[1].Arguments).Name);
        Assert.Equal(2.0, Assert.Single(syfala.Subcommands[1].Options).DefaultValue);
    }

    [Fact]
    public void Command_symbols_reject_bad_names_types_and_defaults()
    {
        Assert.Throws<ArgumentException>(() => new PluginCommand("Run", ""));
        Assert.Throws<ArgumentException>(() => new CommandOption("timeout", typeof(double)));
        Assert.Throws<ArgumentException>(() => new CommandOption("--at", typeof(DateTime)));
        Assert.Throws<ArgumentException>(() => new CommandOption("--n", typeof(int)) { DefaultValue = 1.0 });
        Assert.Throws<ArgumentException>(() => new CommandArgument("--server", typeof(string)));
    }
}
