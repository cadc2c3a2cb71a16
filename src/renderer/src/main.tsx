import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { initI18n } from './i18n'
import { startEvents } from './events'
import { App } from './App'
import './styles.css'

// Open the event stream before the first operation so no progress is missed.
startEvents()
void initI18n().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>
  )
})
