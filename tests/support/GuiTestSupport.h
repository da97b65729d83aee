#pragma once
// Shared by the GUI tests: they never read or write the user's own settings or files, and each
// test starts from known settings.
#include <QProcessEnvironment>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>

namespace embex::test {

/// Call first in initTestCase(): QStandardPaths go to Qt's test locations (~/.qttest), and
/// QSettings to a folder of this test process alone (test executables run in parallel must
/// not clear or change each other's settings), never to the user's configuration.
inline void useTestLocations()
{
    QStandardPaths::setTestModeEnabled(true);
    static QTemporaryDir settings;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
    QSettings().clear();
}

/// Call in init(): default settings, except that the explorer lays out with PCA (exact, the
/// oracle most tests compare with) instead of the first-start t-SNE map.
inline void resetExplorerSettings()
{
    QSettings s;
    s.clear();
    s.setValue("projection/method", "pca");
}

/// The environment for a child process of the app (embex, embex-cli): its configuration,
/// data and cache folders all under `dir`, so nothing it writes reaches the user's files.
inline QProcessEnvironment isolatedEnvironment(const QString &dir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", dir);
    env.insert("XDG_CONFIG_HOME", dir + "/config");
    env.insert("XDG_DATA_HOME", dir + "/data");
    env.insert("XDG_CACHE_HOME", dir + "/cache");
    return env;
}

} // namespace embex::test
