FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=False SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
RUN useradd --create-home peygir
USER peygir
EXPOSE 8000
# Workers and threads: gunicorn.conf.py (WEB_CONCURRENCY, PEYGIR_WEB_THREADS).
CMD ["gunicorn", "retention_crm.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
