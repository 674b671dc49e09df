using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SyfalaGraph.Engine.Runtime;

/// <summary>
/// The services a node's constructor sees. The host's container caches every closed generic it resolves —
/// <c>ILogger&lt;PluginNode&gt;</c> included — for the life of the process, which would keep an unloaded plugin's
/// context alive. This provider builds <see cref="ILogger{T}"/> without caching and delegates everything else.
/// </summary>
internal sealed class NodeServiceProvider(IServiceProvider host) : IServiceProvider, IServiceProviderIsService
{
    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(IServiceProviderIsService))
        {
            return this;
        }

        if (serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(ILogger<>))
        {
            ILoggerFactory factory = host.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
            return Activator.CreateInstance(typeof(Logger<>).MakeGenericType(serviceType.GetGenericArguments()), factory);
        }

        return host.GetService(serviceType);
    }

    public bool IsService(Type serviceType) =>
        (serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(ILogger<>))
        || host.GetService<IServiceProviderIsService>()?.IsService(serviceType) == true;
}
