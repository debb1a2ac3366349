/** Sign in (access: `POST /api/v1/session`); a refusal shows the API's message (429 says when to retry). */
import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { t } from '../i18n/index.js';
import { login, sessionMessage } from '../session.js';
import { useObservable } from '../store.js';
import { LangSwitch } from './lang-switch.js';

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const expired = useObservable(sessionMessage);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await login(username, password);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login-page">
      <form class="login" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <h1>{t('app.title')}</h1>
        <p class="muted">{t('app.subtitle')}</p>
        <h2>{t('login.title')}</h2>
        {expired ? <p class="notice">{t('session.expired')}</p> : null}
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        {error ? <p class="error" role="alert" data-testid="login-error">{t('login.failed', { message: error })}</p> : null}
        <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
        <LangSwitch />
      </form>
    </div>
  );
}
