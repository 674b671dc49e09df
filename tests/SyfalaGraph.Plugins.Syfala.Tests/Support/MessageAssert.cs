using SyfalaGraph.Plugins.Syfala.Protocol;

namespace SyfalaGraph.Plugins.Syfala.Tests.Support;

/// <summary>Builds and compares protocol messages against <see cref="ExpectedMessage"/>.</summary>
internal static class MessageAssert
{
    public static ClientMessage ToClient(ExpectedMessage m) => m.Kind == (int)ClientMessageKind.Audio
        ? ClientMessage.Audio(m.Header!.Value, default)
        : ClientMessage.Control((ClientMessageKind)m.Kind);

    public static ServerMessage ToServer(ExpectedMessage m) => (ServerMessageKind)m.Kind switch
    {
        ServerMessageKind.Audio => ServerMessage.Audio(m.Header!.Value, default),
        ServerMessageKind.Connect => ServerMessage.Connect(m.Formats!),
        _ => ServerMessage.Control((ServerMessageKind)m.Kind),
    };

    public static void Equal(ExpectedMessage expected, ClientMessage actual)
    {
        Assert.Equal((ClientMessageKind)expected.Kind, actual.Kind);
        Assert.Equal(expected.Header ?? default, actual.Header);
    }

    public static void Equal(ExpectedMessage expected, ServerMessage actual)
    {
        Assert.Equal((ServerMessageKind)expected.Kind, actual.Kind);
        Assert.Equal(expected.Header ?? default, actual.Header);
        Assert.Equal(expected.Formats, actual.Formats);
    }
}
